// The rate limiter's answer.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/policy/token_bucket.hpp"

namespace cx {

struct rate_answer {
  rate_decision decision;
  bool backend_failed = false;  // Redis unreachable: the caller applies fail-open or fail-closed
};

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::rate_answer)
