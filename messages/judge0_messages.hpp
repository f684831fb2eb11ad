// The Judge0 conversation: run one testcase, get its outcome.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>

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

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::call_outcome)  // (record_atom, call_outcome) to the circuit breaker
