#include "actors/policy/breaker_state.hpp"

namespace cx {
namespace {

void refresh(breaker_state& s, const breaker_settings& cfg, std::int64_t now_ms) {
  if (s.mode == breaker_mode::open && now_ms - s.opened_at_ms >= cfg.open_ms) {
    s.mode = breaker_mode::half_open;
    s.trials_in_flight = 0;
  }
}

}  // namespace

bool breaker_rejecting(const breaker_state& s, const breaker_settings& cfg, std::int64_t now_ms) {
  breaker_state copy = s;
  refresh(copy, cfg, now_ms);
  if (copy.mode == breaker_mode::open) return true;
  return copy.mode == breaker_mode::half_open && copy.trials_in_flight >= cfg.half_open_trials;
}

bool breaker_allow(breaker_state& s, const breaker_settings& cfg, std::int64_t now_ms) {
  refresh(s, cfg, now_ms);
  switch (s.mode) {
    case breaker_mode::closed: return true;
    case breaker_mode::open: return false;
    case breaker_mode::half_open:
      if (s.trials_in_flight >= cfg.half_open_trials) return false;
      ++s.trials_in_flight;
      return true;
  }
  return false;
}

call_outcome judge0_call_outcome(bool transport_ok, int status, bool queue_full) {
  if (!transport_ok || (status >= 500 && !queue_full)) return call_outcome::failure;
  if (status >= 400) return call_outcome::neutral;
  return call_outcome::success;
}

void breaker_record(breaker_state& s, const breaker_settings& cfg, call_outcome outcome, std::int64_t now_ms) {
  refresh(s, cfg, now_ms);
  const bool failure = outcome == call_outcome::failure;
  if (s.mode == breaker_mode::half_open) {
    if (s.trials_in_flight > 0) --s.trials_in_flight;
    if (outcome == call_outcome::neutral) return;
    if (failure) {
      s.mode = breaker_mode::open;
      s.opened_at_ms = now_ms;
    } else {
      s.mode = breaker_mode::closed;
      s.consecutive_failures = 0;
    }
    return;
  }
  if (s.mode == breaker_mode::open) return;  // late answers of calls started before opening
  if (outcome == call_outcome::neutral) return;
  if (!failure) {
    s.consecutive_failures = 0;
    return;
  }
  if (++s.consecutive_failures >= cfg.failure_threshold) {
    s.mode = breaker_mode::open;
    s.opened_at_ms = now_ms;
    s.consecutive_failures = 0;
  }
}

bool breaker_all_clear(const breaker_state& s) {
  return s.mode == breaker_mode::closed && s.consecutive_failures == 0;
}

const char* to_string(breaker_mode m) {
  switch (m) {
    case breaker_mode::closed: return "closed";
    case breaker_mode::open: return "open";
    case breaker_mode::half_open: return "half_open";
  }
  return "closed";
}

}  // namespace cx
