// The children's side of one run: the monitor process and the program it starts. Internal to
// sandbox.cpp, which prepares a child_plan before fork and reads the monitor's report after.
#pragma once

#include <cstdint>
#include <sys/resource.h>
#include <sys/types.h>

namespace judge0_lite::run_monitor_detail {

// The monitor writes the program's pid (int32) first and this report last, to fd_report.
inline constexpr std::uint32_t report_magic = 0x4a304c52;  // "J0LR"
inline constexpr int fd_exec_error = 3;
inline constexpr int fd_report = 4;
inline constexpr int first_unused_fd = 5;

struct monitor_report {
  std::uint32_t magic;
  std::int32_t fork_errno;
  std::int32_t wait_errno;
  std::int32_t wait_status;
  std::int64_t utime_us;
  std::int64_t stime_us;
  std::int64_t maxrss_kb;
  std::int64_t wall_ns;
};

enum exec_stage : std::int32_t {
  stage_process_group = 1,
  stage_rlimit,
  stage_chdir,
  stage_setgroups,
  stage_setgid,
  stage_setuid,
  stage_still_privileged,
  stage_execve,
};

struct exec_failure {
  std::int32_t stage;
  std::int32_t err;
};

const char* stage_name(std::int32_t stage);

struct rlimit_entry {
  int resource;
  rlim_t value;
  rlim_t hard;
};

// Everything the children need, prepared before fork so that they never allocate.
struct child_plan {
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* work_dir = nullptr;
  rlimit_entry limits[8] = {};
  int limit_count = 0;
  bool drop_privileges = false;
  uid_t uid = 0;
  gid_t gid = 0;
  bool isolate_network = false;
  // Sources for fds 0..4 in the children: stdin read end, stdout write end, stderr write end,
  // exec-error write end, report write end.
  int source_fds[5] = {-1, -1, -1, -1, -1};
  pid_t runner_pid = 0;
};


// Runs in the child of fork(): becomes the monitor, starts the program, reports, exits.
[[noreturn]] void run_monitor(const child_plan& plan);

}  // namespace judge0_lite::run_monitor_detail
