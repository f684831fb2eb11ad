// Judge0's status table and the mapping from a finished run to a status.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "sandbox.hpp"

namespace judge0_lite {

namespace status {
inline constexpr int in_queue = 1;
inline constexpr int processing = 2;
inline constexpr int accepted = 3;
inline constexpr int wrong_answer = 4;
inline constexpr int time_limit_exceeded = 5;
inline constexpr int compilation_error = 6;
inline constexpr int sigsegv = 7;
inline constexpr int sigxfsz = 8;
inline constexpr int sigfpe = 9;
inline constexpr int sigabrt = 10;
inline constexpr int nzec = 11;
inline constexpr int other_runtime_error = 12;
inline constexpr int internal_error = 13;
inline constexpr int exec_format_error = 14;
}  // namespace status

struct status_entry {
  int id;
  std::string_view description;
};

const std::array<status_entry, 14>& status_table();
std::string_view status_description(int id);

struct verdict {
  int status_id = status::internal_error;
  std::optional<std::string> message;
  std::optional<int> exit_code;
  std::optional<int> exit_signal;
};

// Order: runner failure, time (wall kill, CPU over the limit), output cap (reported as SIGXFSZ,
// as Judge0's file-size limit on stdout would), signals, non-zero exit, then the comparison
// with expected_output when one was given. A SIGKILL that judge0-lite did not send (the memory
// case, e.g. the OOM killer) is "Runtime Error (Other)", as isolate reports signal 9.
verdict classify_run(const run_outcome& run, double cpu_time_limit_s,
                     const std::optional<std::string>& stdout_text,
                     const std::optional<std::string>& expected_output);

}  // namespace judge0_lite
