#include "actors/submission.hpp"

#include <caf/all.hpp>

#include "actors/convex_callback.hpp"
#include "actors/policy/testcase_run.hpp"
#include "actors/policy/verdict.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "actors/timers.hpp"
#include "config/judge0_clamps.hpp"
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
  question_settings question;
  testcase_run run;
  std::optional<std::string> aborted;  // shutdown asked while marking running
};

// The supervisor's conversation plus the submission's own deadline timer.
using submission_impl = submission_actor::extend<caf::reacts_to<deadline_atom>>;
using submission_self = submission_impl::stateful_pointer<submission_state>;

const std::string& id(const submission_state* s) { return s->a.req.submission_id; }

void tell_owner(submission_self self, submission_state* s, answer_kind kind) {
  self->send(s->a.owner, answer_atom::value, answer(kind, s->a.ticket.request_id, id(s)));
}

// A request to one of our actors that is bounded by the deadline: the deadline timer fires first,
// so the request's own timeout only catches an actor that died holding it.
std::chrono::milliseconds until_deadline(const submission_state* s) {
  return reply_timeout(std::max(std::chrono::milliseconds(0), s->a.time.until(s->deadline)));
}

// Ends the submission, normally, once its result's delivery is over: so the supervisor posts
// nothing more for it. `failure` (the log message) and `error` describe a delivery that did not
// happen.
void end_after_delivery(submission_self self, submission_state* s, const char* failure = nullptr,
                        std::string_view error = {}) {
  if (failure) {
    metrics::count_undelivered_result();
    log::error(failure, {{"submission_id", id(s)}, {"request_id", s->a.ticket.request_id}, {"error", error}});
  }
  self->quit();
}

void post_result(submission_self self, submission_state* s, submission_result r) {
  if (s->at == phase::posting) return;
  s->at = phase::posting;
  r.duration_ms = s->a.time.ms_since(s->a.ticket.received);
  const auto outcome = to_string(r.status);
  metrics::count_submission(outcome);
  log::info("submission judged", {{"submission_id", id(s)},
                                  {"request_id", s->a.ticket.request_id},
                                  {"status", outcome},
                                  {"passed", r.passed_count},
                                  {"total", r.total_count},
                                  {"duration_ms", r.duration_ms},
                                  {"judge0_calls", s->run.judge0_calls()}});
  s->a.time.request(self, s->a.convex, reply_timeout(result_delivery_budget(*s->a.cfg)), result_atom::value, s->a.req.kind,
                std::move(r))
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
  if (at_testcase) index = static_cast<int>(s->run.index());
  post_result(self, s, error_result(id(s), std::move(message), index, s->run.passed(), s->run.total(),
                                    s->a.time.ms_since(s->a.ticket.received)));
}

submission_result judged_result(const submission_state* s, result_status status) {
  submission_result r;
  r.submission_id = id(s);
  r.status = status;
  r.passed_count = s->run.passed();
  r.total_count = s->run.total();
  return r;
}

void run_next(submission_self self, submission_state* s);

void on_outcome(submission_self self, submission_state* s, const judge0_outcome& o) {
  auto v = s->run.take(o);
  if (v.kind == verdict_kind::passed) return run_next(self, s);
  auto r = judged_result(s, v.kind == verdict_kind::failed ? result_status::failed : result_status::error);
  r.first_failure_index = static_cast<int>(s->run.index());
  describe_failure(v, s->run.current(), s->a.cfg->reveal_hidden_output, r);
  post_result(self, s, std::move(r));
}

void run_next(submission_self self, submission_state* s) {
  if (s->at != phase::judging) return;
  if (s->run.all_passed()) return post_result(self, s, judged_result(s, result_status::passed));
  judge0_job job;
  job.run.language_id = s->a.req.language_id;
  job.run.source_code = s->a.req.source_code;
  job.run.stdin_text = s->run.current().stdin_text;
  job.run.limits = clamp_limits(s->question.time_limit_seconds, s->question.memory_limit_mb, clamps_from(*s->a.cfg));
  job.deadline = s->deadline;
  job.submission_id = id(s);
  auto index = s->run.index();
  s->a.time.request(self, s->a.pool, until_deadline(s), run_atom::value, std::move(job))
      .then(
          [self, s, index](judge0_outcome& o) {
            if (s->at == phase::judging && s->run.index() == index) on_outcome(self, s, o);
          },
          [self, s, index](caf::error&) {
            if (s->at == phase::judging && s->run.index() == index)
              post_error(self, s, "Judge0 pool did not answer", true);
          });
}

void fetch_testcases(submission_self self, submission_state* s) {
  s->at = phase::fetching;
  s->a.time.request(self, s->a.convex, until_deadline(s), fetch_atom::value, s->a.req.kind, s->a.req.question_id)
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
            auto& qs = std::get<question_set>(parsed);
            s->question = std::move(qs.question);
            s->run = testcase_run(std::move(qs.testcases), s->question.comparison);
            s->at = phase::judging;
            run_next(self, s);
          },
          [self, s](caf::error&) {
            if (s->at == phase::fetching) post_error(self, s, "could not fetch testcases (no answer)", false);
          });
}

void mark_failed(submission_self self, submission_state* s, std::int64_t status) {
  log::warn("mark running failed", {{"submission_id", id(s)}, {"request_id", s->a.ticket.request_id}, {"status", status}});
  metrics::count_submission("mark_running_failed");
  tell_owner(self, s, answer_kind::mark_running_failed);
  self->quit();
}

submission_impl::behavior_type submission(submission_self self, submission_args args) {
  auto* s = &self->state;
  s->a = std::move(args);
  s->deadline = s->a.ticket.received + s->a.cfg->max_request_runtime;

  auto start = [self, s] {
    s->a.time.send_later(self, s->a.time.until(s->deadline), deadline_atom::value);
    if (s->aborted) return post_error(self, s, *s->aborted, false);
    if (s->a.has_slot) return fetch_testcases(self, s);
    s->at = phase::waiting_slot;
  };
  auto& a = s->a;
  if (a.marked_running) {
    start();
  } else {
    a.time.request(self, a.convex, reply_timeout(a.cfg->convex_timeout), running_atom::value, a.req.kind,
                   a.req.submission_id)
        .then(
            [self, s, start](convex_answer& ans) {
              if (!ans.ok()) return mark_failed(self, s, ans.status);
              tell_owner(self, s, answer_kind::accepted);
              start();
            },
            // The Convex actor bounds the call by CONVEX_TIMEOUT_MS; this is one that died holding it.
            [self, s](caf::error&) { mark_failed(self, s, 0); });
  }

  return {
      [self, s](slot_atom) {
        if (s->at == phase::waiting_slot) fetch_testcases(self, s);
      },
      [self, s](deadline_atom) {
        if (s->at == phase::posting) return;
        post_error(self, s, "deadline exceeded (MAX_REQUEST_RUNTIME_MS)", s->at == phase::judging);
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
