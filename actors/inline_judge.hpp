// POST /v1/judge: one short-lived actor, admitted by the supervisor like a submission, runs
// inline testcases in order on the Judge0 pool and answers 200 with the verdict, or 502 when
// Judge0 fails. Without a slot it waits for (slot_atom); (abort_atom, reason) answers 503;
// (client_gone_atom) stops it, so no further testcase reaches Judge0.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "http/server.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/wire_json.hpp"

namespace cx {

struct inline_judge_args {
  inline_judge_request req;
  std::string request_id;
  std::chrono::steady_clock::time_point received;
  http::responder_ptr reply;
  bool has_slot = false;
  std::shared_ptr<const config> cfg;
  judge0_pool_actor pool;
};

caf::behavior inline_judge(caf::event_based_actor* self, inline_judge_args args);

}  // namespace cx
