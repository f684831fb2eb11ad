#include "actors/submission.hpp"

#include <caf/all.hpp>

#include "actors/convex_callback.hpp"
#include "actors/policy/verdict.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "actors/timers.hpp"
#include "config/judge0_clamps.hpp"
#include "http/json_errors.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/judge0_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

enum class phase { marking, waiting_slot, fetching, judging, posting };

struct submission_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  submission_state() = default;
  submission_args a;
  phase at = phase::marking;
  steady::time_point deadline;
  question_set questions;
  std::size_t index = 0;
  int passed = 0;
  int judge0_calls = 0;  // over its testcases, for the log line of its verdict
  std::optional<std::string> aborted;  // shutdown asked while marking running
};

// The supervisor's conversation plus the submission's own deadline and stall timers.
using submission_impl = submission_actor::extend<caf::reacts_to<deadline_atom>, caf::reacts_to<stalled_atom, int>>;
using submission_self = submission_impl::stateful_pointer<submission_state>;


int total(const submission_state& s) { return static_cast<int>(s.questions.testcases.size()); }

// Our own actors answer within their outbound timeouts; this timer only catches one that died
// holding the request. It is not cancelled: a late (stalled_atom, phase) finds the phase over.
void arm_stall_timer(submission_self self, submission_state* s, std::chrono::milliseconds after) {
  s->a.time.send_later(self, after, stalled_atom::value, static_cast<int>(s->at));
}

void reply_mark_failed(submission_state* s) {
  s->a.reply->send(http::error_response(502, s->a.req.submission_id, "Failed to mark submission as running",
                                        "{\"requestId\":\"" + s->a.request_id + "\"}"));
}

// Ends the submission once its result's delivery is over; the supervisor posts nothing more for
// it. `failure` (the log message) and `error` describe a delivery that did not happen.
void end_after_delivery(submission_self self, submission_state* s, const char* failure = nullptr,
                        std::string_view error = {}) {
  if (failure) {
    metrics::count_undelivered_result();
    log::error(failure, {{"submission_id", s->a.req.submission_id}, {"request_id", s->a.request_id}, {"error", error}});
  }
  s->a.progress->finished.store(true, std::memory_order_release);
  self->quit();
}

void post_result(submission_self self, submission_state* s, submission_result r) {
  if (s->at == phase::posting) return;
  s->at = phase::posting;
  r.duration_ms = s->a.time.ms_since(s->a.received);
  const auto outcome = to_string(r.status);
  metrics::count_submission(outcome);
  log::info("submission judged", {{"submission_id", s->a.req.submission_id},
                                  {"request_id", s->a.request_id},
                                  {"status", outcome},
                                  {"passed", r.passed_count},
                                  {"total", r.total_count},
                                  {"duration_ms", r.duration_ms},
                                  {"judge0_calls", s->judge0_calls}});
  arm_stall_timer(self, s, reply_timeout(result_delivery_budget(*s->a.cfg)));
  self->request(s->a.convex, caf::infinite, result_atom::value, s->a.req.kind, std::move(r))
      .then(
          [self, s](bool delivered) {
            if (delivered) return end_after_delivery(self, s);
            end_after_delivery(self, s, "result not delivered to Convex", "Convex did not accept it");
          },
          [self, s](caf::error& err) {
            end_after_delivery(self, s, "result not delivered to Convex", self->system().render(err));
          });
}

void post_error(submission_self self, submission_state* s, std::string message, bool at_testcase) {
  std::optional<int> index;
  if (at_testcase) index = static_cast<int>(s->index);
  post_result(self, s, error_result(s->a.req.submission_id, std::move(message), index, s->passed, total(*s),
                                    s->a.time.ms_since(s->a.received)));
}

void run_next(submission_self self, submission_state* s);

void on_outcome(submission_self self, submission_state* s, const judge0_outcome& o) {
  s->judge0_calls += o.judge0_calls;
  const auto& tc = s->questions.testcases[s->index];
  auto v = classify_verdict(o, tc, s->questions.question.comparison);
  if (v.kind == verdict_kind::passed) {
    ++s->passed;
    ++s->index;
    return run_next(self, s);
  }
  submission_result r;
  r.submission_id = s->a.req.submission_id;
  r.status = v.kind == verdict_kind::failed ? result_status::failed : result_status::error;
  r.passed_count = s->passed;
  r.total_count = total(*s);
  r.first_failure_index = static_cast<int>(s->index);
  describe_failure(v, tc, s->a.cfg->reveal_hidden_output, r);
  post_result(self, s, std::move(r));
}

void run_next(submission_self self, submission_state* s) {
  if (s->at != phase::judging) return;
  if (s->index >= s->questions.testcases.size()) {
    submission_result r;
    r.submission_id = s->a.req.submission_id;
    r.status = result_status::passed;
    r.passed_count = s->passed;
    r.total_count = total(*s);
    return post_result(self, s, std::move(r));
  }
  const auto& q = s->questions.question;
  judge0_job job;
  job.run.language_id = s->a.req.language_id;
  job.run.source_code = s->a.req.source_code;
  job.run.stdin_text = s->questions.testcases[s->index].stdin_text;
  job.run.limits = clamp_limits(q.time_limit_seconds, q.memory_limit_mb, clamps_from(*s->a.cfg));
  job.deadline = s->deadline;
  job.submission_id = s->a.req.submission_id;
  auto index = s->index;
  // No request timeout: deadline_atom bounds the whole judging phase with one timer.
  self->request(s->a.pool, caf::infinite, run_atom::value, std::move(job))
      .then(
          [self, s, index](judge0_outcome& o) {
            if (s->at != phase::judging || s->index != index) return;
            on_outcome(self, s, o);
          },
          [self, s, index](caf::error&) {
            if (s->at != phase::judging || s->index != index) return;
            post_error(self, s, "Judge0 pool did not answer", true);
          });
}

void fetch_testcases(submission_self self, submission_state* s) {
  s->at = phase::fetching;
  // No request timeout: deadline_atom bounds the fetch too.
  self->request(s->a.convex, caf::infinite, fetch_atom::value, s->a.req.kind, s->a.req.question_id)
      .then(
          [self, s](convex_answer& ans) {
            if (s->at != phase::fetching) return;
            if (ans.status == 404) return post_error(self, s, "question not found", false);
            if (!ans.ok()) {
              auto why = ans.status == 0 ? "Convex unreachable: " + ans.error
                                         : "Convex answered " + std::to_string(ans.status);
              return post_error(self, s, "could not fetch testcases (" + why + ")", false);
            }
            request_caps caps{s->a.cfg->max_source_bytes, s->a.cfg->max_testcases, s->a.cfg->max_stdin_bytes};
            auto parsed = parse_question_set(ans.body, caps);
            if (auto* err = std::get_if<std::string>(&parsed)) return post_error(self, s, *err, false);
            s->questions = std::move(std::get<question_set>(parsed));
            s->at = phase::judging;
            run_next(self, s);
          },
          [self, s](caf::error&) {
            if (s->at == phase::fetching) post_error(self, s, "could not fetch testcases (no answer)", false);
          });
}

submission_impl::behavior_type submission(submission_self self, submission_args args) {
  auto* s = &self->state;
  s->a = std::move(args);
  s->deadline = s->a.received + s->a.cfg->max_request_runtime;

  auto& a = s->a;
  arm_stall_timer(self, s, reply_timeout(a.cfg->convex_timeout));
  self->request(a.convex, caf::infinite, running_atom::value, a.req.kind, a.req.submission_id)
      .then(
          [self, s](convex_answer& ans) {
            if (!ans.ok()) {
              log::warn("mark running failed", {{"submission_id", s->a.req.submission_id},
                                                {"request_id", s->a.request_id},
                                                {"status", ans.status}});
              metrics::count_submission("mark_running_failed");
              reply_mark_failed(s);
              return self->quit();
            }
            auto res = http::response::json(202, accepted_body(s->a.req.submission_id, s->a.request_id, false));
            s->a.reply->send(std::move(res));
            s->a.reply.reset();
            s->a.progress->accepted.store(true, std::memory_order_release);
            s->a.time.send_later(self, s->a.time.until(s->deadline), deadline_atom::value);
            if (s->aborted) return post_error(self, s, *s->aborted, false);
            if (s->a.has_slot) return fetch_testcases(self, s);
            s->at = phase::waiting_slot;
          },
          [self, s](caf::error&) {
            reply_mark_failed(s);
            self->quit();
          });

  return {
      [self, s](slot_atom) {
        if (s->at == phase::waiting_slot) fetch_testcases(self, s);
      },
      [self, s](deadline_atom) {
        if (s->at == phase::posting) return;
        post_error(self, s, "deadline exceeded (MAX_REQUEST_RUNTIME_MS)", s->at == phase::judging);
      },
      [self, s](stalled_atom, int at) {
        if (static_cast<int>(s->at) != at) return;
        if (s->at == phase::marking) {
          log::error("mark running not answered", {{"submission_id", s->a.req.submission_id}, {"request_id", s->a.request_id}});
          reply_mark_failed(s);
          return self->quit();
        }
        end_after_delivery(self, s, "result delivery not answered", "the Convex actor never answered");
      },
      [self, s](abort_atom, std::string& reason) {
        if (s->at == phase::marking) s->aborted = reason;
        if (s->at == phase::posting || s->at == phase::marking) return;
        post_error(self, s, reason, s->at == phase::judging);
      },
  };
}

}  // namespace

submission_result error_result(const std::string& submission_id, std::string message, std::optional<int> index,
                               int passed, int total, std::int64_t duration_ms) {
  submission_result r;
  r.submission_id = submission_id;
  r.status = result_status::error;
  r.passed_count = passed;
  r.total_count = total;
  r.first_failure_index = index;
  first_failure f;
  f.error_message = std::move(message);
  r.failure = std::move(f);
  r.duration_ms = duration_ms;
  return r;
}

submission_actor spawn_submission(caf::local_actor* supervisor, submission_args args) {
  return supervisor->spawn<caf::monitored>(submission, std::move(args));
}

}  // namespace cx
