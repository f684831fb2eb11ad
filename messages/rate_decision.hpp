// One rate-limit decision, as the token bucket takes it and the Redis limiter answers it.
#pragma once

#include <cstdint>

namespace cx {

struct rate_decision {
  bool allowed = true;
  std::int64_t remaining = 0;
  std::int64_t retry_after_s = 0;  // only when refused
  std::int64_t reset_s = 0;        // seconds until the bucket is full again
};

}  // namespace cx
