// Query strings and form bodies: "a=1&b=x%20y" into ordered name/value pairs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace judge0_lite {

using param_list = std::vector<std::pair<std::string, std::string>>;

// Percent-decoding with '+' as a space (application/x-www-form-urlencoded); malformed escapes
// are kept as they are.
std::string url_decode(std::string_view text);
param_list parse_params(std::string_view text);
// The last occurrence wins, as in Rails.
std::optional<std::string> find_param(const param_list& params, std::string_view name);
// The part of a request target after '?', or "".
std::string_view query_of(std::string_view target);

}  // namespace judge0_lite
