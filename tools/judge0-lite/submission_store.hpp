// Submissions by token, in memory, thread-safe. The oldest finished ones are forgotten first
// once more than `capacity` are held.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include "submission.hpp"

namespace judge0_lite {

class submission_store {
 public:
  explicit submission_store(std::size_t capacity = 10000);

  // A random UUID v4, as Rails' SecureRandom.uuid.
  std::string new_token();
  void insert(submission s);
  std::optional<submission> get(const std::string& token) const;
  // Applies `change` under the lock; false when the token is unknown.
  bool update(const std::string& token, const std::function<void(submission&)>& change);
  std::size_t size() const;

 private:
  void evict_locked();

  mutable std::mutex mutex_;
  std::unordered_map<std::string, submission> by_token_;
  std::deque<std::string> arrival_order_;
  std::size_t capacity_;
  std::mt19937_64 rng_;
};

}  // namespace judge0_lite
