#include "actors/rate_limiter.hpp"

namespace cx {
namespace {
constexpr std::size_t kPruneAbove = 100000;
}

rate_decision memory_rate_limiter::take(const std::string& key, std::int64_t now_ms) {
  if (buckets_.size() > kPruneAbove) prune(now_ms);
  return take_token(buckets_[key], now_ms, per_minute_, burst_);
}

void memory_rate_limiter::prune(std::int64_t now_ms) {
  // A bucket that has refilled completely carries no information: drop it.
  const double full_after_ms = burst_ * 60000.0 / per_minute_;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (static_cast<double>(now_ms - it->second.last_ms) >= full_after_ms) it = buckets_.erase(it);
    else ++it;
  }
}

}  // namespace cx
