#include "actors/policy/poll_timing.hpp"

#include <algorithm>

namespace cx {

poll_ms effective_poll_interval(poll_ms poll_interval, poll_ms min_interval) {
  return std::max(poll_interval, min_interval);
}

void recent_job_times::add(poll_ms still_running_at) {
  if (capacity_ == 0) return;
  if (times_.size() == capacity_) times_.pop_front();
  times_.push_back(still_running_at);
}

poll_ms recent_job_times::first_poll_delay(poll_ms poll_interval, poll_ms min_interval) const {
  if (times_.empty()) return poll_interval;
  auto shortest = *std::min_element(times_.begin(), times_.end());
  return std::clamp(shortest, poll_interval, effective_poll_interval(poll_interval, min_interval));
}

}  // namespace cx
