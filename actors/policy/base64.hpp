// Base64 as Judge0 speaks it: standard alphabet, padded, decoder skipping whitespace
// (Judge0 breaks its output every 60 characters).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cx {

std::string base64_encode(std::string_view bytes);
// nullopt on a character outside the alphabet or a truncated quantum.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace cx
