// Program output is arbitrary bytes; Convex wants valid JSON strings.
#pragma once

#include <string>
#include <string_view>

namespace cx {

// Replaces every invalid UTF-8 sequence with U+FFFD, as Node's Buffer.toString("utf8") does.
std::string to_valid_utf8(std::string_view bytes);

}  // namespace cx
