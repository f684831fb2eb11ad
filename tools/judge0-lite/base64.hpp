// Base64 the way Judge0 (Ruby's Base64 module) does it.
#pragma once

#include <string>
#include <string_view>

namespace judge0_lite {

// Ruby's Base64.encode64: standard alphabet with padding, "\n" after every 60 output
// characters and one at the end; empty input gives "".
std::string encode64(std::string_view bytes);

// Ruby's Base64.decode64: lenient. Characters outside the alphabet are skipped, decoding stops
// at the first '=', and trailing bits that do not make a byte are dropped. Never fails.
std::string decode64(std::string_view text);

}  // namespace judge0_lite
