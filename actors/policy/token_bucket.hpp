// Token bucket per rate-limit key: `burst` tokens, refilled at `per_minute` per minute.
#pragma once

#include <chrono>
#include <cstdint>

#include "messages/rate_decision.hpp"

namespace cx {

using steady_time = std::chrono::steady_clock::time_point;

struct bucket_state {
  double tokens = -1;  // negative: not yet initialised (starts full)
  std::int64_t last_ms = 0;
};

rate_decision take_token(bucket_state& b, std::int64_t now_ms, int per_minute, int burst);

}  // namespace cx
