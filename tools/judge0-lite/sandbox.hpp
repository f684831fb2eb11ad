// Runs one program under resource limits: fork, rlimits, privilege drop, pipes, wall clock.
// A development tool, not a security boundary: it keeps a runaway program from hurting the
// machine (CPU, memory, processes, file size, output, wall time), nothing more.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace judge0_lite {

// Who the program runs as; only applied when the runner itself is root.
struct identity {
  uid_t uid = 65534;
  gid_t gid = 65534;
};

enum class memory_rlimit {
  address_space,  // RLIMIT_AS = memory limit (Judge0's per-process memory mode)
  data,           // RLIMIT_DATA = memory limit, for runtimes that reserve huge address ranges
};

struct run_limits {
  double cpu_time_s = 5.0;   // above this the run is a time-limit verdict
  double cpu_extra_s = 1.0;  // RLIMIT_CPU = ceil(cpu_time_s + cpu_extra_s)
  double wall_time_s = 10.0;
  std::int64_t memory_kb = 128000;  // 0: no memory rlimit
  memory_rlimit memory_kind = memory_rlimit::address_space;
  // With memory_rlimit::data, RLIMIT_AS is memory_kb plus this (0: no RLIMIT_AS).
  std::int64_t address_space_headroom_kb = 0;
  std::int64_t stack_kb = 64000;          // 0: inherited
  int max_processes = 60;                 // RLIMIT_NPROC, counted per user; 0: inherited
  std::int64_t max_file_size_kb = 1024;   // RLIMIT_FSIZE; negative: inherited
  std::size_t output_cap_bytes = 1 << 20;  // per stream; beyond it the run is killed
};

struct run_spec {
  std::vector<std::string> argv;  // argv[0]: absolute, or relative to work_dir
  std::vector<std::string> env;   // complete environment, "NAME=value"
  std::string work_dir;
  std::string stdin_data;
  run_limits limits;
  std::optional<identity> run_as;  // ignored unless the runner is root
  bool isolate_network = true;     // unshare(CLONE_NEWNET) where permitted
  bool redirect_stderr_to_stdout = false;
  const std::atomic<bool>* cancel = nullptr;  // polled; when true the run is killed
};

struct run_outcome {
  // False when the runner itself failed (pipes, fork, the monitor); `error` says why.
  bool completed = false;
  std::string error;
  // Set when execve (or a step just before it) failed; exec_errno holds the errno.
  bool exec_failed = false;
  int exec_errno = 0;
  std::string exec_stage;

  bool exited = false;  // normal exit; exit_code is valid
  int exit_code = 0;
  int term_signal = 0;  // non-zero when killed by a signal
  bool wall_time_exceeded = false;
  bool output_limit_exceeded = false;
  bool cancelled = false;

  double cpu_time_s = 0.0;  // user + system of the program and the children it waited for
  double wall_time_s = 0.0;
  std::int64_t memory_kb = 0;  // peak resident set size

  std::string stdout_data;
  std::string stderr_data;
};

// Blocks the calling thread until the program and everything it started are gone. Call it
// from a worker thread, never from an I/O thread. Ignores SIGPIPE process-wide on first use
// (the program itself gets the default disposition back).
run_outcome run_process(const run_spec& spec);

bool running_as_root();

}  // namespace judge0_lite
