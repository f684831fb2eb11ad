// The Judge0 conversation: run one testcase, get its outcome.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "messages/call_outcome.hpp"
#include "messages/judging.hpp"

namespace cx {

// Ask the pool to run one testcase before `deadline`.
struct judge0_job {
  judge0_run run;
  std::chrono::steady_clock::time_point deadline;
  std::string submission_id;  // for the logs; empty for POST /v1/judge
  // From the create's answer to the first poll: the job's expected minimum time (set by the pool).
  std::chrono::milliseconds first_poll_delay{0};
  // Callback mode: Judge0 PUTs the finished submission here; `callback_key` names the job in it.
  std::string callback_url;
  std::string callback_key;
};

// A Judge0 callback PUT for the pool to check. `answer(true)`: it names a job in flight with
// its secret, and the job's client judges the body; false: unknown or forged, nothing changed.
// The listener turns the answer into the HTTP reply, so no HTTP type reaches the pool.
struct judge0_callback {
  std::string job;
  std::string secret;
  std::string body;
  std::function<void(bool known)> answer;
};

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_callback)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::call_outcome)  // (record_atom, call_outcome) to the circuit breaker
