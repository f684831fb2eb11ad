// The wire contract's values: what Convex sends, what Judge0 answers, what Convex receives.
// Plain structs; the JSON lives in messages/*_json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx {

enum class submission_kind { standard, personalized };

struct judge_request {
  std::string question_id;
  std::string submission_id;
  std::int64_t language_id = 0;
  std::string source_code;
  submission_kind kind = submission_kind::standard;
};

struct testcase {
  std::string id;
  bool hidden = false;
  std::string stdin_text;
  std::string expected_stdout;
  std::string name;
};

// How a question compares outputs (contract §1); actors/policy/compare_outputs applies it.
struct output_comparison {
  bool trim_outputs = true;
  bool normalize_whitespace = false;
  bool case_sensitive = true;
};

struct question_settings {
  std::string id;
  double time_limit_seconds = 0;
  double memory_limit_mb = 0;
  output_comparison comparison;
};

struct question_set {
  question_settings question;
  std::vector<testcase> testcases;
};

// Limits sent to Judge0; absent ones are left to Judge0's defaults.
struct judge0_limits {
  std::optional<double> cpu_seconds;
  std::optional<double> wall_seconds;
  std::optional<std::int64_t> memory_kb;
};

struct judge0_run {
  std::int64_t language_id = 0;
  std::string source_code;
  std::string stdin_text;
  judge0_limits limits;
};

// What one Judge0 run ended with. `failure` is set when Judge0 itself failed us
// (transport, timeout, 4xx/5xx, bad JSON, bad base64, deadline).
struct judge0_outcome {
  std::optional<std::string> failure;
  int status_id = 0;
  std::string status_description;
  std::optional<std::string> stdout_text;
  std::optional<std::string> stderr_text;
  std::optional<std::string> compile_output;
  std::optional<std::string> message;
  std::optional<std::string> time;
  std::optional<std::int64_t> memory;
  std::optional<std::int64_t> exit_code;
  int judge0_calls = 0;  // the Judge0 API requests (creates and polls) the job took, for the logs
};

struct first_failure {
  std::optional<std::string> stdin_text;
  std::optional<std::string> actual_output;
  std::optional<std::string> expected_output;
  std::optional<std::string> error_message;
};

enum class result_status { passed, failed, error };

struct submission_result {
  std::string submission_id;
  result_status status = result_status::error;
  int passed_count = 0;
  int total_count = 0;
  std::optional<int> first_failure_index;
  std::optional<first_failure> failure;
  std::optional<std::string> stderr_text;
  std::optional<std::string> compile_output;
  std::int64_t duration_ms = 0;
};

const char* to_string(result_status s);
const char* route_suffix(submission_kind k);

}  // namespace cx
