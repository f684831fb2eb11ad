// The in-memory rate limiter: one token bucket per key, owned by the front actor.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "actors/policy/token_bucket.hpp"

namespace cx {

class memory_rate_limiter {
 public:
  memory_rate_limiter(int per_minute, int burst) : per_minute_(per_minute), burst_(burst) {}
  rate_decision take(const std::string& key, std::int64_t now_ms);

 private:
  void prune(std::int64_t now_ms);

  int per_minute_;
  int burst_;
  std::unordered_map<std::string, bucket_state> buckets_;
};

}  // namespace cx
