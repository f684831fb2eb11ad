// The in-memory rate limit: one token bucket per key in a table of bounded size. At the bound
// the least recently used bucket goes, in O(1); no request ever scans the table. A bucket that
// is evicted starts full again when its key returns, so the bound must stay far above the keys
// active within one refill period (burst / rate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "actors/policy/token_bucket.hpp"

namespace cx {

class bucket_table {
 public:
  bucket_table(int per_minute, int burst, std::size_t max_buckets);

  rate_decision take(std::string_view key, std::int64_t now_ms);
  std::size_t size() const { return index_.size(); }

 private:
  using entry = std::pair<std::string, bucket_state>;

  int per_minute_;
  int burst_;
  std::size_t max_buckets_;
  std::list<entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_;  // views into lru_'s keys
};

}  // namespace cx
