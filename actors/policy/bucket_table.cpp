#include "actors/policy/bucket_table.hpp"

namespace cx {

bucket_table::bucket_table(int per_minute, int burst, std::size_t max_buckets)
    : per_minute_(per_minute), burst_(burst), max_buckets_(max_buckets < 1 ? 1 : max_buckets) {
  index_.reserve(max_buckets_ < 4096 ? max_buckets_ : 4096);
}

rate_decision bucket_table::take(std::string_view key, std::int64_t now_ms) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    if (index_.size() >= max_buckets_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
    lru_.emplace_front(std::string(key), bucket_state{});
    index_.emplace(lru_.front().first, lru_.begin());
  }
  return take_token(lru_.front().second, now_ms, per_minute_, burst_);
}

}  // namespace cx
