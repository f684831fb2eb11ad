// The circuit breaker's state machine, with time passed in.
#pragma once

#include <cstdint>

#include "messages/call_outcome.hpp"

namespace cx {

enum class breaker_mode { closed = 0, open = 1, half_open = 2 };

struct breaker_settings {
  int failure_threshold = 5;
  std::int64_t open_ms = 10000;
  int half_open_trials = 2;
};

// Transport errors, timeouts and 5xx count against Judge0; 503 "queue is full" (backpressure)
// and 4xx (the request's fault) count neither way.
call_outcome judge0_call_outcome(bool transport_ok, int status, bool queue_full);

struct breaker_state {
  breaker_mode mode = breaker_mode::closed;
  int consecutive_failures = 0;
  std::int64_t opened_at_ms = 0;
  int trials_in_flight = 0;
};

// May a call start now? In half-open this reserves one of the trial slots.
bool breaker_allow(breaker_state& s, const breaker_settings& cfg, std::int64_t now_ms);
// Is the breaker refusing calls right now (without reserving anything)?
bool breaker_rejecting(const breaker_state& s, const breaker_settings& cfg, std::int64_t now_ms);
// Report a finished call. A neutral one only frees the half-open trial slot it held.
void breaker_record(breaker_state& s, const breaker_settings& cfg, call_outcome outcome, std::int64_t now_ms);
// Closed with no failure counted: allow is true, rejecting is false and recording a success or
// a neutral outcome changes nothing, at any time. Callers may then skip asking the breaker actor.
bool breaker_all_clear(const breaker_state& s);
const char* to_string(breaker_mode m);

}  // namespace cx
