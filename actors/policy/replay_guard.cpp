#include "actors/policy/replay_guard.hpp"

namespace cx {

replay_guard::replay_guard(std::size_t max_entries) : max_entries_(max_entries < 1 ? 1 : max_entries) {}

bool replay_guard::first_use(std::string_view signature, std::int64_t expires_s, std::int64_t now_s) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_s) {
    index_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (index_.count(signature) != 0) return false;
  if (index_.size() >= max_entries_) {
    index_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  auto it = by_expiry_.emplace(expires_s, std::string(signature)).first;
  index_.emplace(it->second, it);
  return true;
}

}  // namespace cx
