#include "messages/id_rules.hpp"

namespace cx {

std::optional<std::string> id_problem(std::string_view id) {
  if (id.empty()) return "String must contain at least 1 character(s)";
  if (id.size() > kMaxIdBytes)
    return "String must contain at most " + std::to_string(kMaxIdBytes) + " character(s)";
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7e) return "Invalid characters: only visible ASCII (0x21-0x7E) is allowed";
  }
  return std::nullopt;
}

}  // namespace cx
