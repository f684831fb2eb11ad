// One submission actor per accepted request: mark running (then answer 202 or 502), wait for
// a judging slot, fetch the testcases, run them in order on the Judge0 pool stopping at the first
// failure, and post exactly one result to Convex.
#pragma once

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "http/server.hpp"
#include "messages/convex_interface.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/judging.hpp"
#include "messages/submission_interface.hpp"

namespace cx {

// How far a submission got, for the supervisor to read once the actor is down (the submission's
// writes happen before its termination and so before the down message): a crashed submission
// that got its 202 but never handed over its result gets an error result posted for it.
struct submission_progress {
  std::atomic<bool> accepted{false};  // got its 202
  std::atomic<bool> finished{false};  // handed its result to the Convex actor
};

struct submission_args {
  judge_request req;
  std::string request_id;
  std::chrono::steady_clock::time_point received;
  http::responder_ptr reply;
  bool has_slot = false;
  std::shared_ptr<const config> cfg;
  convex_actor convex;
  judge0_pool_actor pool;
  std::shared_ptr<submission_progress> progress;
  timers time;  // the clock and the deadline and stall timers
};

// Spawned monitored by the supervisor, which posts an error result for one that dies.
submission_actor spawn_submission(caf::local_actor* supervisor, submission_args args);

// The final result posted when a submission ends without judging (deadline, shutdown, crash).
submission_result error_result(const std::string& submission_id, std::string message, std::optional<int> index,
                               int passed, int total, std::int64_t duration_ms);

}  // namespace cx
