// The final result payload Convex receives.
#include <boost/json.hpp>

#include "messages/wire_json.hpp"

namespace cx {

std::string submission_result_body(const submission_result& r) {
  boost::json::object o{
      {"submissionId", r.submission_id},
      {"status", to_string(r.status)},
      {"passedCount", r.passed_count},
      {"totalCount", r.total_count},
  };
  if (r.first_failure_index) o["firstFailureIndex"] = *r.first_failure_index;
  if (r.failure) {
    boost::json::object f;
    if (r.failure->stdin_text) f["stdin"] = *r.failure->stdin_text;
    if (r.failure->actual_output) f["actualOutput"] = *r.failure->actual_output;
    if (r.failure->expected_output) f["expectedOutput"] = *r.failure->expected_output;
    if (r.failure->error_message) f["errorMessage"] = *r.failure->error_message;
    o["firstFailure"] = std::move(f);
  }
  if (r.stderr_text) o["stderr"] = *r.stderr_text;
  if (r.compile_output) o["compileOutput"] = *r.compile_output;
  o["durationMs"] = r.duration_ms;
  return boost::json::serialize(o);
}

}  // namespace cx

namespace cx {

std::string accepted_body(std::string_view submission_id, std::string_view request_id, bool duplicate) {
  boost::json::object details{{"requestId", request_id}};
  if (duplicate) details["duplicate"] = true;
  return boost::json::serialize(boost::json::object{{"status", "accepted"},
                                                    {"submissionId", submission_id},
                                                    {"message", "Submission queued for execution"},
                                                    {"details", std::move(details)}});
}

}  // namespace cx

namespace cx {

std::string inline_result_body(const inline_summary& s, const inline_failure* f) {
  boost::json::object o{
      {"status", s.passed ? "passed" : "failed"},
      {"summary", boost::json::object{{"passedCount", s.passed_count},
                                      {"totalCount", s.total_count},
                                      {"durationMs", s.duration_ms}}},
  };
  if (f) {
    const auto& tc = *f->testcase;
    const auto& out = *f->outcome;
    boost::json::object t{{"stdin", tc.stdin_text}, {"expectedStdout", tc.expected_stdout}};
    if (tc.name) t["name"] = *tc.name;
    auto opt = [](const std::optional<std::string>& v) -> boost::json::value {
      if (v) return boost::json::value(*v);
      return nullptr;
    };
    boost::json::object judge0{
        {"status", boost::json::object{{"id", out.status_id}, {"description", out.status_description}}},
        {"time", opt(out.time)},
        {"memory", out.memory ? boost::json::value(*out.memory) : boost::json::value(nullptr)},
        {"exitCode", out.exit_code ? boost::json::value(*out.exit_code) : boost::json::value(nullptr)},
    };
    o["firstFailure"] = boost::json::object{
        {"index", f->index},
        {"testCase", std::move(t)},
        {"actualStdout", out.stdout_text.value_or("")},
        {"stderr", opt(out.stderr_text)},
        {"compileOutput", opt(out.compile_output)},
        {"judge0", std::move(judge0)},
    };
  }
  return boost::json::serialize(o);
}

std::string inline_error_body(std::string_view message, std::string_view request_id, int testcase_index) {
  return boost::json::serialize(boost::json::object{
      {"status", "error"},
      {"message", message},
      {"details", boost::json::object{{"requestId", request_id}, {"testcaseIndex", testcase_index}}}});
}

}  // namespace cx
