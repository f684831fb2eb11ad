#include "actors/policy/verdict.hpp"

#include "actors/policy/compare_outputs.hpp"

namespace cx {

const char* judge0_status_name(int id) {
  switch (id) {
    case 1: return "In Queue";
    case 2: return "Processing";
    case 3: return "Accepted";
    case 4: return "Wrong Answer";
    case 5: return "Time Limit Exceeded";
    case 6: return "Compilation Error";
    case 7: return "Runtime Error (SIGSEGV)";
    case 8: return "Runtime Error (SIGXFSZ)";
    case 9: return "Runtime Error (SIGFPE)";
    case 10: return "Runtime Error (SIGABRT)";
    case 11: return "Runtime Error (NZEC)";
    case 12: return "Runtime Error (Other)";
    case 13: return "Internal Error";
    case 14: return "Exec Format Error";
    default: return "Unknown status";
  }
}

bool is_terminal_status(int id) { return id >= 3; }

bool rerun_internal_error(int status_id, int reruns_so_far, int allowed) {
  return status_id == 13 && reruns_so_far < allowed;
}

namespace {

const char* runtime_error_name(int id) {
  switch (id) {
    case 7: return "Runtime error (SIGSEGV)";
    case 8: return "Runtime error (SIGXFSZ)";
    case 9: return "Runtime error (SIGFPE)";
    case 10: return "Runtime error (SIGABRT)";
    case 11: return "Runtime error (NZEC)";
    default: return "Runtime error (Other)";
  }
}

bool non_empty(const std::optional<std::string>& s) { return s && !s->empty(); }

}  // namespace

testcase_verdict classify_verdict(const judge0_outcome& o, const testcase& tc, const output_comparison& cmp) {
  testcase_verdict v;
  v.actual_output = o.stdout_text.value_or("");
  v.stderr_text = o.stderr_text;
  v.judge0_message = o.message;
  if (o.failure) {
    v.kind = verdict_kind::error;
    v.name = *o.failure;
    return v;
  }
  switch (o.status_id) {
    case 3:
    case 4:
      if (compare_outputs(v.actual_output, tc.expected_stdout, cmp)) {
        v.kind = verdict_kind::passed;
        v.name = "Accepted";
      } else {
        v.kind = verdict_kind::failed;
        v.name = "Wrong answer";
      }
      return v;
    case 5:
      v.kind = verdict_kind::failed;
      v.name = "Time limit exceeded";
      return v;
    case 6:
      v.kind = verdict_kind::failed;
      v.name = "Compilation failed";
      v.compile_output = o.compile_output;
      return v;
    case 7: case 8: case 9: case 10: case 11: case 12:
      v.kind = verdict_kind::failed;
      v.name = runtime_error_name(o.status_id);
      return v;
    case 13:
    case 14:
      v.kind = verdict_kind::error;
      v.name = std::string("Judge0 ") + judge0_status_name(o.status_id);
      return v;
    default:
      v.kind = verdict_kind::error;
      v.name = "Judge0 returned unknown status " + std::to_string(o.status_id);
      return v;
  }
}

void describe_failure(const testcase_verdict& v, const testcase& tc, bool reveal_hidden, submission_result& out) {
  first_failure f;
  const bool is_compile = v.compile_output.has_value() || v.name == "Compilation failed";
  const bool is_runtime = v.name.rfind("Runtime error", 0) == 0;
  const bool show_output = !tc.hidden || reveal_hidden;
  if (is_compile) {
    // Compile output does not depend on the testcase's input, so it is always sent.
    out.compile_output = v.compile_output;
    f.error_message = non_empty(v.compile_output) ? *v.compile_output : std::string("Compilation failed");
  } else if (tc.hidden || !is_runtime) {
    f.error_message = v.name;
  } else {
    f.error_message = non_empty(v.stderr_text)    ? *v.stderr_text
                      : non_empty(v.judge0_message) ? *v.judge0_message
                                                    : std::string("Runtime error");
  }
  if (!tc.hidden) {
    f.stdin_text = tc.stdin_text;
    f.expected_output = tc.expected_stdout;
  }
  if (show_output && v.kind == verdict_kind::failed && !is_compile) {
    f.actual_output = v.actual_output;
    if (non_empty(v.stderr_text)) out.stderr_text = v.stderr_text;
  }
  out.failure = std::move(f);
}

}  // namespace cx
