#include "actors/policy/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace cx {

rate_decision take_token(bucket_state& b, std::int64_t now_ms, int per_minute, int burst) {
  const double rate_per_ms = per_minute / 60000.0;
  if (b.tokens < 0) {
    b.tokens = burst;
    b.last_ms = now_ms;
  }
  auto elapsed = std::max<std::int64_t>(0, now_ms - b.last_ms);
  b.tokens = std::min<double>(burst, b.tokens + static_cast<double>(elapsed) * rate_per_ms);
  b.last_ms = std::max(b.last_ms, now_ms);
  rate_decision d;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / rate_per_ms / 1000.0)));
  }
  d.remaining = static_cast<std::int64_t>(std::floor(b.tokens));
  d.reset_s = static_cast<std::int64_t>(std::ceil((burst - b.tokens) / rate_per_ms / 1000.0));
  return d;
}

}  // namespace cx
