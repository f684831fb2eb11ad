// A submission as Judge0's serializer renders it: `fields` selection, base64, types.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "languages.hpp"
#include "submission.hpp"

namespace judge0_lite {

// Every field `fields=*` gives, in Judge0 CE 1.13.1's output order.
const std::vector<std::string_view>& all_submission_fields();

struct field_selection {
  std::vector<bool> wanted;  // indexed like all_submission_fields()
  std::vector<std::string> invalid;
};

// "" or absent: the 8 defaults; "*" anywhere: all; names are comma-separated, no spaces.
field_selection select_fields(const std::optional<std::string>& fields_param);
// {"error":"invalid fields: [a, b]"}
std::string invalid_fields_error(const field_selection& selection);

inline constexpr std::string_view utf8_error_single =
    "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter";

// nullopt when base64 is off and a selected text attribute holds a byte >= 0x80 (Judge0 fails
// to convert its binary strings to JSON in that case).
std::optional<boost::json::object> serialize_submission(const submission& s, const language_table& languages,
                                                        const field_selection& selection, bool base64_encoded);

// Rails' decimal rendering: "0.002", "5.0", "10.0".
std::string decimal_text(double value);
// ISO 8601, UTC, milliseconds: "2024-04-03T05:40:51.306Z".
std::string iso8601(timestamp t);

}  // namespace judge0_lite
