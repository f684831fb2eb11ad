// One submission as Judge0 stores it: the request fields (defaults applied) and the results.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "verdict.hpp"

namespace judge0_lite {

// Judge0 CE 1.13.1 defaults and maxima (judge0.conf).
namespace defaults {
inline constexpr int number_of_runs = 1;
inline constexpr double cpu_time_limit = 5.0;
inline constexpr double cpu_extra_time = 1.0;
inline constexpr double wall_time_limit = 10.0;
inline constexpr std::int64_t memory_limit = 128000;
inline constexpr std::int64_t stack_limit = 64000;
inline constexpr int max_processes_and_or_threads = 60;
inline constexpr std::int64_t max_file_size = 1024;
}  // namespace defaults

namespace maxima {
inline constexpr int number_of_runs = 20;
inline constexpr double cpu_time_limit = 15.0;
inline constexpr double cpu_extra_time = 5.0;
inline constexpr double wall_time_limit = 20.0;
inline constexpr std::int64_t memory_limit = 512000;
inline constexpr std::int64_t stack_limit = 128000;
inline constexpr int max_processes_and_or_threads = 120;
inline constexpr std::int64_t max_file_size = 4096;
}  // namespace maxima

using timestamp = std::chrono::system_clock::time_point;

// What a finished (or failed) judging produced.
struct judge_result {
  int status_id = status::internal_error;
  std::optional<std::string> stdout_text;
  std::optional<std::string> stderr_text;
  std::optional<std::string> compile_output;
  std::optional<std::string> message;
  std::optional<double> time;
  std::optional<double> wall_time;
  std::optional<std::int64_t> memory;
  std::optional<int> exit_code;
  std::optional<int> exit_signal;
};

struct submission {
  std::string token;

  std::string source_code;
  int language_id = 0;
  std::optional<std::string> stdin_text;
  std::optional<std::string> expected_output;

  int number_of_runs = defaults::number_of_runs;
  double cpu_time_limit = defaults::cpu_time_limit;
  double cpu_extra_time = defaults::cpu_extra_time;
  double wall_time_limit = defaults::wall_time_limit;
  std::int64_t memory_limit = defaults::memory_limit;
  std::int64_t stack_limit = defaults::stack_limit;
  int max_processes_and_or_threads = defaults::max_processes_and_or_threads;
  bool enable_per_process_and_thread_time_limit = false;
  bool enable_per_process_and_thread_memory_limit = false;
  std::int64_t max_file_size = defaults::max_file_size;
  std::optional<std::string> compiler_options;
  std::optional<std::string> command_line_arguments;
  bool redirect_stderr_to_stdout = false;
  std::optional<std::string> callback_url;
  bool enable_network = false;

  int status_id = status::in_queue;
  timestamp created_at{};
  std::optional<timestamp> finished_at;
  judge_result result;  // meaningful once status_id >= 3
};

}  // namespace judge0_lite
