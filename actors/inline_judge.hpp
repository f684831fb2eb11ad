// POST /v1/judge: one short-lived actor, admitted by the supervisor like a submission, runs
// inline testcases in order on the Judge0 pool and hands its owner the verdict, or "Judge0
// failed" (also at the deadline). Without a slot it waits for one; an abort answers "shutting
// down"; its client leaving stops it (messages/submission_interface.hpp).
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/submission_interface.hpp"
#include "messages/supervisor_interface.hpp"
#include "messages/wire_json.hpp"

namespace cx {

struct inline_judge_args {
  inline_judge_request req;
  request_ticket ticket;
  bool has_slot = false;
  std::shared_ptr<const config> cfg;
  owner_actor owner;  // hears its answer
  judge0_pool_actor pool;
  timers time;
};

// Spawned monitored by the supervisor, which owns it like a submission.
inline_judge_actor spawn_inline_judge(caf::local_actor* supervisor, inline_judge_args args);

}  // namespace cx
