// Turns POST /submissions parameters into a submission, or into Judge0's 422 error hash.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "languages.hpp"
#include "query.hpp"
#include "submission.hpp"

namespace judge0_lite {

// Rails' `errors` hash: fields in the order of their first error, messages in order.
class field_errors {
 public:
  void add(std::string_view field, std::string message);
  bool empty() const { return entries_.empty(); }
  const std::vector<std::string>* find(std::string_view field) const;
  std::string to_json() const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;
};

struct submission_request {
  std::optional<submission> accepted;  // token, status and created_at are left to the caller
  field_errors errors;
};

// Rails merges query parameters and body parameters, the body winning. Query values are strings.
boost::json::object merge_params(const param_list& query, const boost::json::object* body);

// Rails compares these flags to the string "true" exactly.
bool param_is_true(const boost::json::object& params, std::string_view name);

// Applies Judge0 CE 1.13.1's defaults and validations. With base64_encoded, source_code, stdin
// and expected_output are decoded (leniently) before validation.
submission_request build_submission(const boost::json::object& params, bool base64_encoded,
                                    const language_table& languages);

}  // namespace judge0_lite
