// Judge0's GET /submissions/{token} cache: `Rails.cache.fetch(token, expires_in:
// SUBMISSION_CACHE_DURATION)` holds the submission record, not the rendered answer, so fields
// and base64_encoded still apply per request while the state can be stale by up to the duration.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "submission.hpp"

namespace judge0_lite {

class submission_cache {
 public:
  using clock = std::chrono::steady_clock;
  // Reads the current record; nullopt (unknown token) is never cached, as find_by! raises.
  using loader = std::function<std::optional<submission>(const std::string&)>;

  // A zero duration disables the cache.
  explicit submission_cache(std::chrono::milliseconds duration);

  std::optional<submission> fetch(const std::string& token, const loader& load);

 private:
  struct entry {
    submission record;
    clock::time_point expires;
  };
  void drop_expired_locked(clock::time_point now);

  std::chrono::milliseconds duration_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> by_token_;
  // Tokens in the order they were cached: with one duration for all, also the order of expiry.
  std::deque<std::pair<clock::time_point, std::string>> expiry_order_;
};

}  // namespace judge0_lite
