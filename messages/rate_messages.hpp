// The Redis limiter's answers: a rate decision, and a replay check of a signature.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "messages/rate_decision.hpp"

namespace cx {

struct rate_answer {
  rate_decision decision;
  bool backend_failed = false;  // Redis unreachable: the caller applies fail-open or fail-closed
};

// Whether a request signature is used for the first time within its window.
struct replay_answer {
  bool first_use = true;
  bool backend_failed = false;  // Redis unreachable: the caller falls back to its own record
};

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::rate_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::replay_answer)
