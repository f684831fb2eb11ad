#include "actors/inline_judge.hpp"

#include <caf/all.hpp>

#include "actors/policy/testcase_run.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "config/judge0_clamps.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

struct inline_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  inline_state() = default;
  inline_judge_args a;
  steady::time_point deadline;
  testcase_run run;
  static constexpr const char* name = "inline_judge";
};

using inline_impl = inline_judge_actor::extend<caf::reacts_to<deadline_atom>>;
using inline_self = inline_impl::stateful_pointer<inline_state>;

std::vector<testcase> to_testcases(const std::vector<inline_testcase>& in) {
  std::vector<testcase> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[i].stdin_text = in[i].stdin_text;
    out[i].expected_stdout = in[i].expected_stdout;
  }
  return out;
}

void finish(inline_self self, inline_state* s, judge_answer a) {
  self->send(s->a.owner, answer_atom::value, std::move(a));
  self->quit();
}

void judge0_failed(inline_self self, inline_state* s, std::string why) {
  auto a = answer(answer_kind::judge0_failed, s->a.ticket.request_id);
  a.message = std::move(why);
  a.testcase_index = static_cast<int>(s->run.index());
  finish(self, s, std::move(a));
}

void judged(inline_self self, inline_state* s, const judge0_outcome* failed_with) {
  auto a = answer(answer_kind::judged, s->a.ticket.request_id);
  a.summary = {failed_with == nullptr, s->run.passed(), s->run.total(), s->a.time.ms_since(s->a.ticket.received)};
  if (failed_with) {
    auto i = s->run.index();
    a.failure = inline_failure_copy{static_cast<int>(i), s->a.req.testcases[i], *failed_with};
  }
  finish(self, s, std::move(a));
}

void run_next(inline_self self, inline_state* s) {
  if (s->run.all_passed()) return judged(self, s, nullptr);
  const auto& req = s->a.req;
  judge0_job job;
  job.run.language_id = req.language_id;
  job.run.source_code = req.source_code;
  job.run.stdin_text = s->run.current().stdin_text;
  job.run.limits = clamp_inline_limits(req.cpu_seconds, req.memory_mb, req.wall_seconds, clamps_from(*s->a.cfg));
  job.deadline = s->deadline;
  auto left = std::max(std::chrono::milliseconds(0), s->a.time.until(s->deadline));
  s->a.time.request(self, s->a.pool, reply_timeout(left), run_atom::value, std::move(job))
      .then(
          [self, s](judge0_outcome& o) {
            auto v = s->run.take(o);
            if (v.kind == verdict_kind::error) return judge0_failed(self, s, v.name);
            if (v.kind == verdict_kind::passed) return run_next(self, s);
            judged(self, s, &o);
          },
          [self, s](caf::error&) { judge0_failed(self, s, "Judge0 pool did not answer"); });
}

inline_impl::behavior_type inline_judge(inline_self self, inline_judge_args args) {
  auto* s = &self->state;
  s->a = std::move(args);
  s->deadline = s->a.ticket.received + s->a.cfg->max_request_runtime;
  s->run = testcase_run(to_testcases(s->a.req.testcases), s->a.req.comparison);
  s->a.time.send_later(self, s->a.time.until(s->deadline), deadline_atom::value);
  if (s->a.has_slot) run_next(self, s);
  // Lives while it waits for a slot or for Judge0; its deadline or the shutdown's grace deadline
  // can cut it short.
  return {
      [self, s](slot_atom) {
        if (!s->a.has_slot) {
          s->a.has_slot = true;
          run_next(self, s);
        }
      },
      [self, s](deadline_atom) { judge0_failed(self, s, "deadline exceeded (MAX_REQUEST_RUNTIME_MS)"); },
      [self, s](client_gone_atom) {
        log::info("inline judge stopped: the client is gone",
                  {{"request_id", s->a.ticket.request_id}, {"testcase", static_cast<std::int64_t>(s->run.index())}});
        self->quit();
      },
      [self, s](abort_atom, std::string&) { finish(self, s, answer(answer_kind::shutting_down, s->a.ticket.request_id)); },
  };
}

}  // namespace

inline_judge_actor spawn_inline_judge(caf::local_actor* supervisor, inline_judge_args args) {
  return supervisor->spawn<caf::monitored>(inline_judge, std::move(args));
}

}  // namespace cx
