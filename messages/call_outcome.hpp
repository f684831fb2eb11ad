// What a finished Judge0 call says about Judge0's health: the value a Judge0 client reports to
// the circuit breaker, and actors/policy/breaker_state counts.
#pragma once

namespace cx {

enum class call_outcome { success, failure, neutral };

}  // namespace cx
