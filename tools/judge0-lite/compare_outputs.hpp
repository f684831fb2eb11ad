// Judge0's Accepted / Wrong Answer comparison (IsolateJob#strip).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace judge0_lite {

// Ruby: text.split("\n").collect(&:rstrip).join("\n").strip, with nil for nil.
std::optional<std::string> judge0_strip(const std::optional<std::string>& text);

// stdout is null when the program printed nothing, so "" expected against no output differs.
bool outputs_match(const std::optional<std::string>& stdout_text, const std::string& expected_output);

}  // namespace judge0_lite
