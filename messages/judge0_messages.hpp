// The Judge0 conversation: run one testcase, get its outcome.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>

#include "actors/policy/breaker_state.hpp"
#include "messages/judging.hpp"

namespace cx {

// Ask the pool to run one testcase before `deadline`.
struct judge0_job {
  judge0_run run;
  std::chrono::steady_clock::time_point deadline;
  std::string submission_id;  // for the logs; empty for POST /v1/judge
};

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge0_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::call_outcome)  // (record_atom, call_outcome) to the circuit breaker
