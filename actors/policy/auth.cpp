#include "actors/policy/auth.hpp"

#include "actors/policy/signing.hpp"

namespace cx {

int match_api_key(const std::vector<std::string>& keys, std::string_view presented) {
  int found = -1;
  if (presented.empty()) return found;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (constant_time_equals(keys[i], presented) && found < 0) found = static_cast<int>(i);
  }
  return found;
}

}  // namespace cx
