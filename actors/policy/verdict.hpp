// From a Judge0 outcome to the verdict of one testcase, and to Convex's result fields.
#pragma once

#include <optional>
#include <string>

#include "messages/judging.hpp"

namespace cx {

enum class verdict_kind { passed, failed, error };

struct testcase_verdict {
  verdict_kind kind = verdict_kind::error;
  std::string name;  // "Wrong answer", "Runtime error (NZEC)", "Judge0 Internal Error", ...
  std::optional<std::string> stderr_text;
  std::optional<std::string> compile_output;
  std::optional<std::string> judge0_message;
  std::string actual_output;
};

const char* judge0_status_name(int status_id);
bool is_terminal_status(int status_id);
// Whether a testcase that ended in `status_id` runs again: status 13 (Internal Error), while
// fewer than `allowed` re-runs were made.
bool rerun_internal_error(int status_id, int reruns_so_far, int allowed);

testcase_verdict classify_verdict(const judge0_outcome& outcome, const testcase& tc, const output_comparison& cmp);

// The firstFailure block and top-level extras for a failed or errored testcase,
// with hidden-testcase redaction applied.
void describe_failure(const testcase_verdict& v, const testcase& tc, bool reveal_hidden, submission_result& out);

}  // namespace cx
