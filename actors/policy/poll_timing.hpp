// When to poll a Judge0 token. Real Judge0 caches GET /submissions/{token} for 1 s, so a poll
// sooner than that after the previous one reads a stale answer and only costs a request.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace cx {

using poll_ms = std::chrono::milliseconds;

// The gap between two polls of one token: max(JUDGE0_POLL_INTERVAL_MS, JUDGE0_MIN_POLL_INTERVAL_MS).
poll_ms effective_poll_interval(poll_ms poll_interval, poll_ms min_interval);

// What the pod learnt about its recently finished jobs. For each, the longest create-to-answer
// time at which Judge0 still said "not done": the job certainly ran at least that long (0 when
// the first answer was already terminal). The shortest of the last `capacity` is the expected
// minimum time of the next job. A lower bound, not the observed finish: the finish is late by up
// to one interval, and feeding it back would only ever push the first poll later.
class recent_job_times {
 public:
  explicit recent_job_times(std::size_t capacity = 32) : capacity_(capacity) {}
  void add(poll_ms still_running_at);
  // The wait from the create's answer to the first poll: the expected minimum, never below
  // poll_interval and never above the effective interval. With no history, poll_interval.
  poll_ms first_poll_delay(poll_ms poll_interval, poll_ms min_interval) const;

 private:
  std::size_t capacity_;
  std::deque<poll_ms> times_;
};

}  // namespace cx
