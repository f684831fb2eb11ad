// JSON (de)serialisation of the wire contract. Parsers never throw: bad input is a value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "messages/judging.hpp"

namespace cx {

struct validation_issue {
  std::string path;
  std::string message;
};

// A 400 answer in the making: what the contract calls "Invalid request body" and its issues,
// or a cap that was exceeded (message plus details).
struct request_error {
  std::string submission_id;  // echoed when the body had it as a string
  std::string message = "Invalid request body";
  std::vector<validation_issue> issues;
  std::string details_json;  // set for caps, e.g. {"maxBytes":200000}
};

std::string issues_details_json(const std::vector<validation_issue>& issues);

struct request_caps {
  std::size_t max_source_bytes = 200000;
  int max_testcases = 50;
  std::size_t max_stdin_bytes = 1048576;
};

// POST /v1/judge-question
std::variant<judge_request, request_error> parse_judge_request(std::string_view body, const request_caps& caps);
// The body that parse_judge_request reads back as `r`: what the submission stream journals.
std::string judge_request_body(const judge_request& r);

// POST /v1/judge
struct inline_testcase {
  std::string stdin_text;
  std::string expected_stdout;
  std::optional<std::string> name;
};
struct inline_judge_request {
  std::int64_t language_id = 0;
  std::string source_code;
  std::vector<inline_testcase> testcases;
  std::optional<double> cpu_seconds;
  std::optional<double> memory_mb;
  std::optional<double> wall_seconds;
  output_comparison comparison;
};
std::variant<inline_judge_request, request_error> parse_inline_judge_request(std::string_view body,
                                                                            const request_caps& caps);

// Convex's testcases answer. The error string is what goes into the error result.
std::variant<question_set, std::string> parse_question_set(std::string_view body, const request_caps& caps);

// Judge0
// With a callback_url, Judge0 PUTs the finished submission there.
std::string judge0_submit_body(const judge0_run& run, std::string_view callback_url = {});
std::optional<std::string> parse_judge0_token(std::string_view body);
// The poll answer; `failure` set when the JSON or its base64 is unusable.
judge0_outcome parse_judge0_submission(std::string_view body);
// Judge0's error answers: {"error":"..."} or Rails' {"field":["msg"]}.
std::string judge0_error_text(std::string_view body);

// Convex callbacks
std::string mark_running_body(std::string_view submission_id);
std::string fetch_testcases_body(std::string_view question_id);
std::string submission_result_body(const submission_result& r);
// The 202 answer of /v1/judge-question.
std::string accepted_body(std::string_view submission_id, std::string_view request_id, bool duplicate);

}  // namespace cx

namespace cx {

// POST /v1/judge answers.
struct inline_summary {
  bool passed = false;
  int passed_count = 0;
  int total_count = 0;
  std::int64_t duration_ms = 0;
};
struct inline_failure {
  int index = 0;
  const inline_testcase* testcase = nullptr;
  const judge0_outcome* outcome = nullptr;
};
std::string inline_result_body(const inline_summary& s, const inline_failure* f);
std::string inline_error_body(std::string_view message, std::string_view request_id, int testcase_index);

}  // namespace cx
