// Base64 as Judge0 speaks it: standard alphabet, padded, decoder skipping whitespace
// (Judge0 breaks its output every 60 characters).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cx {

std::string base64_encode(std::string_view bytes);
// How Judge0 stores and returns text (Ruby's Base64.encode64): a newline after every 60
// characters and one at the end; empty input gives "".
std::string base64_encode_lines(std::string_view bytes);
// nullopt on a character outside the alphabet or a truncated quantum.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace cx
