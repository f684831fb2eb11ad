#include "actors/inline_judge.hpp"

#include <caf/all.hpp>

#include "actors/policy/verdict.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "config/judge0_clamps.hpp"
#include "http/json_errors.hpp"
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
  std::size_t index = 0;
  static constexpr const char* name = "inline_judge";
};

using inline_self = inline_judge_actor::stateful_pointer<inline_state>;

void judge0_failed(inline_self self, inline_state* s, const std::string& why) {
  s->a.reply->send(http::response::json(502, inline_error_body(why, s->a.request_id, static_cast<int>(s->index))));
  self->quit();
}

void run_next(inline_self self, inline_state* s) {
  const auto& req = s->a.req;
  if (s->index >= req.testcases.size()) {
    inline_summary sum{true, static_cast<int>(req.testcases.size()), static_cast<int>(req.testcases.size()),
                       s->a.time.ms_since(s->a.received)};
    s->a.reply->send(http::response::json(200, inline_result_body(sum, nullptr)));
    return self->quit();
  }
  judge0_job job;
  job.run.language_id = req.language_id;
  job.run.source_code = req.source_code;
  job.run.stdin_text = req.testcases[s->index].stdin_text;
  job.run.limits = clamp_inline_limits(req.cpu_seconds, req.memory_mb, req.wall_seconds, clamps_from(*s->a.cfg));
  job.deadline = s->deadline;
  auto left = s->a.time.until(s->deadline);
  self->request(s->a.pool, left + reply_timeout(s->a.cfg->judge0_timeout), run_atom::value, std::move(job))
      .then(
          [self, s](judge0_outcome& o) {
            const auto& tc = s->a.req.testcases[s->index];
            testcase t;
            t.stdin_text = tc.stdin_text;
            t.expected_stdout = tc.expected_stdout;
            auto v = classify_verdict(o, t, s->a.req.comparison);
            if (v.kind == verdict_kind::error) return judge0_failed(self, s, v.name);
            if (v.kind == verdict_kind::passed) {
              ++s->index;
              return run_next(self, s);
            }
            inline_summary sum{false, static_cast<int>(s->index), static_cast<int>(s->a.req.testcases.size()),
                               s->a.time.ms_since(s->a.received)};
            inline_failure f{static_cast<int>(s->index), &tc, &o};
            s->a.reply->send(http::response::json(200, inline_result_body(sum, &f)));
            self->quit();
          },
          [self, s](caf::error&) { judge0_failed(self, s, "Judge0 pool did not answer"); });
}

inline_judge_actor::behavior_type inline_judge(inline_self self, inline_judge_args args) {
  auto* s = &self->state;
  s->a = std::move(args);
  s->deadline = s->a.received + s->a.cfg->max_request_runtime;
  if (s->a.has_slot) run_next(self, s);
  // Lives while it waits for a slot or for Judge0; the shutdown's grace deadline can cut it short.
  return {
      [self, s](slot_atom) {
        if (!s->a.has_slot) {
          s->a.has_slot = true;
          run_next(self, s);
        }
      },
      [self, s](client_gone_atom) {
        log::info("inline judge stopped: the client is gone",
                  {{"request_id", s->a.request_id}, {"testcase", static_cast<std::int64_t>(s->index)}});
        self->quit();
      },
      [self, s](abort_atom, std::string&) {
        s->a.reply->send(http::shutting_down_response());
        self->quit();
      },
  };
}

}  // namespace

inline_judge_actor spawn_inline_judge(caf::local_actor* supervisor, inline_judge_args args) {
  return supervisor->spawn<caf::monitored>(inline_judge, std::move(args));
}

}  // namespace cx
