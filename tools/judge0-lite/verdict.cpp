#include "verdict.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include "compare_outputs.hpp"

namespace judge0_lite {

const std::array<status_entry, 14>& status_table() {
  static const std::array<status_entry, 14> table = {{
      {1, "In Queue"},
      {2, "Processing"},
      {3, "Accepted"},
      {4, "Wrong Answer"},
      {5, "Time Limit Exceeded"},
      {6, "Compilation Error"},
      {7, "Runtime Error (SIGSEGV)"},
      {8, "Runtime Error (SIGXFSZ)"},
      {9, "Runtime Error (SIGFPE)"},
      {10, "Runtime Error (SIGABRT)"},
      {11, "Runtime Error (NZEC)"},
      {12, "Runtime Error (Other)"},
      {13, "Internal Error"},
      {14, "Exec Format Error"},
  }};
  return table;
}

std::string_view status_description(int id) {
  for (const auto& s : status_table()) {
    if (s.id == id) return s.description;
  }
  return "Unknown";
}

namespace {

verdict signal_verdict(int sig) {
  verdict v;
  switch (sig) {
    case SIGSEGV: v.status_id = status::sigsegv; break;
    case SIGXFSZ: v.status_id = status::sigxfsz; break;
    case SIGFPE: v.status_id = status::sigfpe; break;
    case SIGABRT: v.status_id = status::sigabrt; break;
    default: v.status_id = status::other_runtime_error; break;
  }
  v.message = "Caught fatal signal " + std::to_string(sig);
  v.exit_code = 0;  // isolate reports no exit code for a signalled program; Judge0 stores 0
  v.exit_signal = sig;
  return v;
}

}  // namespace

verdict classify_run(const run_outcome& run, double cpu_time_limit_s,
                     const std::optional<std::string>& stdout_text,
                     const std::optional<std::string>& expected_output) {
  verdict v;
  if (!run.completed) {
    v.status_id = status::internal_error;
    v.message = run.error.empty() ? std::string("run failed") : run.error;
    return v;
  }
  if (run.cancelled) {
    v.status_id = status::internal_error;
    v.message = "judge0-lite is shutting down";
    return v;
  }
  if (run.exec_failed) {
    bool exec_format = run.exec_stage == "execve" &&
                       (run.exec_errno == ENOEXEC || run.exec_errno == ENOENT || run.exec_errno == EACCES);
    v.status_id = exec_format ? status::exec_format_error : status::internal_error;
    v.message = run.exec_stage + ": " + std::strerror(run.exec_errno);
    return v;
  }
  auto signal_or_exit = [&](verdict& t) {
    if (run.term_signal != 0) {
      t.exit_code = 0;
      t.exit_signal = run.term_signal;
    } else {
      t.exit_code = run.exit_code;
    }
  };
  if (run.wall_time_exceeded) {
    v.status_id = status::time_limit_exceeded;
    v.message = "Time limit exceeded (wall clock)";
    signal_or_exit(v);
    return v;
  }
  if (run.cpu_time_s > cpu_time_limit_s || run.term_signal == SIGXCPU) {
    v.status_id = status::time_limit_exceeded;
    v.message = "Time limit exceeded";
    signal_or_exit(v);
    return v;
  }
  if (run.output_limit_exceeded) return signal_verdict(SIGXFSZ);
  if (run.term_signal != 0) return signal_verdict(run.term_signal);
  if (run.exit_code != 0) {
    v.status_id = status::nzec;
    v.message = "Exited with error status " + std::to_string(run.exit_code);
    v.exit_code = run.exit_code;
    return v;
  }
  v.exit_code = 0;
  if (expected_output && !outputs_match(stdout_text, *expected_output)) {
    v.status_id = status::wrong_answer;
  } else {
    v.status_id = status::accepted;
  }
  return v;
}

}  // namespace judge0_lite
