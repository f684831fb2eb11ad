// Signatures already used: a signed request is accepted once within its validity window, so a
// captured request cannot be replayed. Bounded: expired entries are forgotten first and, at the
// bound, the one that expires soonest (a replay of that one request becomes possible again).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace cx {

class replay_guard {
 public:
  explicit replay_guard(std::size_t max_entries);

  // True the first time `signature` is presented; it is then remembered until `expires_s`.
  bool first_use(std::string_view signature, std::int64_t expires_s, std::int64_t now_s);
  std::size_t size() const { return index_.size(); }

 private:
  using entry = std::pair<std::int64_t, std::string>;  // expiry, signature

  std::size_t max_entries_;
  std::set<entry> by_expiry_;
  std::unordered_map<std::string_view, std::set<entry>::iterator> index_;  // views into by_expiry_
};

}  // namespace cx
