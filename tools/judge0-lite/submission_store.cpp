#include "submission_store.hpp"

#include <cstdio>

namespace judge0_lite {

submission_store::submission_store(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  std::random_device rd;
  std::seed_seq seed{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
  rng_.seed(seed);
}

std::string submission_store::new_token() {
  std::uint64_t hi, lo;
  {
    std::lock_guard lock(mutex_);
    hi = rng_();
    lo = rng_();
  }
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

void submission_store::insert(submission s) {
  std::lock_guard lock(mutex_);
  arrival_order_.push_back(s.token);
  by_token_[s.token] = std::move(s);
  evict_locked();
}

std::optional<submission> submission_store::get(const std::string& token) const {
  std::lock_guard lock(mutex_);
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return std::nullopt;
  return it->second;
}

bool submission_store::update(const std::string& token, const std::function<void(submission&)>& change) {
  std::lock_guard lock(mutex_);
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return false;
  change(it->second);
  return true;
}

std::size_t submission_store::size() const {
  std::lock_guard lock(mutex_);
  return by_token_.size();
}

void submission_store::evict_locked() {
  // Unfinished submissions are skipped (rotated to the back), so each pass is bounded.
  std::size_t budget = arrival_order_.size();
  while (by_token_.size() > capacity_ && budget-- > 0) {
    std::string token = std::move(arrival_order_.front());
    arrival_order_.pop_front();
    auto it = by_token_.find(token);
    if (it == by_token_.end()) continue;
    if (it->second.status_id >= status::accepted) {
      by_token_.erase(it);
    } else {
      arrival_order_.push_back(std::move(token));
    }
  }
}

}  // namespace judge0_lite
