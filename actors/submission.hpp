// One submission actor per accepted request: mark running (then tell its owner "accepted" or
// "mark running failed"; an entry of the shared stream was marked when accepted), wait for a judging slot, fetch the testcases, run them in order on the
// Judge0 pool stopping at the first failure, and post exactly one result to Convex.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/convex_interface.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/judging.hpp"
#include "messages/submission_interface.hpp"
#include "messages/supervisor_interface.hpp"

namespace cx {

struct submission_args {
  judge_request req;
  request_ticket ticket;
  bool has_slot = false;
  bool marked_running = false;  // taken from the shared stream: its acceptance marked it running
  std::shared_ptr<const config> cfg;
  owner_actor owner;  // hears its answer
  convex_actor convex;
  judge0_pool_actor pool;
  timers time;  // the clock and the deadline timer
};

// Spawned monitored by the supervisor, which posts an error result for one that dies.
submission_actor spawn_submission(caf::local_actor* supervisor, submission_args args);

// The final result posted when a submission ends without judging (deadline, shutdown, crash).
submission_result error_result(const std::string& submission_id, std::string message, std::optional<int> index,
                               int passed, int total, std::int64_t duration_ms);

}  // namespace cx
