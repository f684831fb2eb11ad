// Inbound API key check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cx {

// Index of the matching key, or -1. Every key is compared, in constant time each.
int match_api_key(const std::vector<std::string>& keys, std::string_view presented);

}  // namespace cx
