#include "compare_outputs.hpp"

namespace judge0_lite {
namespace {

// Ruby's String#strip/rstrip set: whitespace and NUL.
bool ruby_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty() && ruby_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip(std::string_view s) {
  s = rstrip(s);
  while (!s.empty() && ruby_space(s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

std::optional<std::string> judge0_strip(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string joined;
  std::string_view rest(*text);
  bool first = true;
  for (;;) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (!first) joined += '\n';
    joined += rstrip(line);
    first = false;
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return std::string(strip(joined));
}

bool outputs_match(const std::optional<std::string>& stdout_text, const std::string& expected_output) {
  return judge0_strip(stdout_text) == judge0_strip(expected_output);
}

}  // namespace judge0_lite
