// Output comparison, byte-for-byte the old TypeScript service's rules (contract §1).
#pragma once

#include <string>
#include <string_view>

#include "messages/judging.hpp"

namespace cx {

// JavaScript String.prototype.trimEnd on UTF-8 text.
std::string_view trim_end_js(std::string_view s);
// JavaScript String.prototype.toLowerCase (full Unicode mapping, via ICU).
std::string to_lower_js(std::string_view s);
// The comparison's normal form of one output.
std::string normalize_output(std::string_view s, const output_comparison& cmp);
bool compare_outputs(std::string_view actual, std::string_view expected, const output_comparison& cmp);

}  // namespace cx
