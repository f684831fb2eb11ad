#include "submission_cache.hpp"

namespace judge0_lite {

submission_cache::submission_cache(std::chrono::milliseconds duration) : duration_(duration) {}

std::optional<submission> submission_cache::fetch(const std::string& token, const loader& load) {
  if (duration_.count() <= 0) return load(token);
  const auto now = clock::now();
  {
    std::lock_guard lock(mutex_);
    drop_expired_locked(now);
    if (auto it = by_token_.find(token); it != by_token_.end()) return it->second.record;
  }
  // Loaded outside the lock; two concurrent misses both load, and the later one is kept.
  std::optional<submission> fresh = load(token);
  if (!fresh) return fresh;
  std::lock_guard lock(mutex_);
  const auto expires = now + duration_;
  by_token_.insert_or_assign(token, entry{*fresh, expires});
  expiry_order_.emplace_back(expires, token);
  return fresh;
}

void submission_cache::drop_expired_locked(clock::time_point now) {
  while (!expiry_order_.empty() && expiry_order_.front().first <= now) {
    auto it = by_token_.find(expiry_order_.front().second);
    // A token cached again later has a later expiry; only its own last entry removes it.
    if (it != by_token_.end() && it->second.expires <= now) by_token_.erase(it);
    expiry_order_.pop_front();
  }
}

}  // namespace judge0_lite
