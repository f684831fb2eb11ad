// Token bucket per rate-limit key: `burst` tokens, refilled at `per_minute` per minute.
#pragma once

#include <chrono>
#include <cstdint>

namespace cx {

using steady_time = std::chrono::steady_clock::time_point;

struct bucket_state {
  double tokens = -1;  // negative: not yet initialised (starts full)
  std::int64_t last_ms = 0;
};

struct rate_decision {
  bool allowed = true;
  std::int64_t remaining = 0;
  std::int64_t retry_after_s = 0;  // only when refused
  std::int64_t reset_s = 0;        // seconds until the bucket is full again
};

rate_decision take_token(bucket_state& b, std::int64_t now_ms, int per_minute, int burst);

}  // namespace cx
