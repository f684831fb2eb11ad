// Process layout of one run:
//
//   runner thread ──fork──► monitor (root, child subreaper) ──fork──► program (own process group,
//                                                                      rlimits, unprivileged, exec)
//
// The monitor exists so that every process the program starts is reaped and killed even if it
// left the process group or was orphaned: orphans re-parent to the monitor, never to init, so
// no zombie outlives the run and counts against the next run's RLIMIT_NPROC. The monitor reports
// the program's pid first (the runner needs the process group for the wall-clock kill) and its
// wait status and rusage last, once nothing of the run is left alive.
//
// Between fork and exec both children call only async-signal-safe functions: the runner is
// multithreaded and another thread may hold any lock at the moment of the fork.
#include "run_monitor.hpp"

#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace judge0_lite::run_monitor_detail {
namespace {

constexpr std::int64_t monitor_reap_budget_ns = 2'000'000'000LL;

void write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

void sleep_ns(long ns) {
  timespec ts{0, ns};
  ::nanosleep(&ts, nullptr);
}

void reset_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::sigaction(sig, &dfl, nullptr);  // fails harmlessly for reserved signals
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void close_fds_from(int first) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) == 0) return;
#endif
  rlimit nofile{};
  long max_fd = 65536;
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
      nofile.rlim_cur < 65536) {
    max_fd = static_cast<long>(nofile.rlim_cur);
  }
  for (long fd = first; fd < max_fd; ++fd) ::close(static_cast<int>(fd));
}

[[noreturn]] void fail_before_exec(std::int32_t stage) {
  exec_failure f{stage, errno};
  write_all(fd_exec_error, &f, sizeof f);
  ::_exit(127);
}

// Formats "/proc/self/task/<pid>/children" without the allocator.
void children_path(char (&buf)[64]) {
  const char prefix[] = "/proc/self/task/";
  const char suffix[] = "/children";
  std::size_t n = 0;
  for (const char* p = prefix; *p; ++p) buf[n++] = *p;
  char digits[16];
  int d = 0;
  long v = ::getpid();
  do {
    digits[d++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 && d < 15);
  while (d > 0) buf[n++] = digits[--d];
  for (const char* p = suffix; *p; ++p) buf[n++] = *p;
  buf[n] = '\0';
}

// SIGKILLs every direct child of the monitor: processes that escaped the program's process
// group and were orphaned land here.
void kill_direct_children() {
  char path[64];
  children_path(path);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  long current = -1;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      char c = buf[i];
      if (c >= '0' && c <= '9') {
        current = (current < 0 ? 0 : current * 10) + (c - '0');
      } else if (current >= 0) {
        ::kill(static_cast<pid_t>(current), SIGKILL);
        current = -1;
      }
    }
  }
  if (current >= 0) ::kill(static_cast<pid_t>(current), SIGKILL);
  ::close(fd);
}

// Kills the program's group and every orphan, and reaps them all (bounded in time).
void kill_and_reap_everything(pid_t program_group) {
  const std::int64_t give_up_at = monotonic_ns() + monitor_reap_budget_ns;
  for (;;) {
    ::kill(-program_group, SIGKILL);
    kill_direct_children();
    for (;;) {
      pid_t r = ::waitpid(-1, nullptr, WNOHANG);
      if (r > 0) continue;
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return;  // ECHILD: nothing of the run is left
      break;              // children remain and are still dying
    }
    if (monotonic_ns() > give_up_at) return;
    sleep_ns(1'000'000);
  }
}

// fork() without glibc's atfork handlers: the monitor descends from a multithreaded process, and
// a handler (OpenSSL registers some) could wait for a lock that another thread held at the
// moment of the first fork.
pid_t fork_without_handlers() { return static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0)); }

[[noreturn]] void run_program(const child_plan& plan) {
  if (::setpgid(0, 0) != 0) fail_before_exec(stage_process_group);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::close(fd_report);
  ::fcntl(fd_exec_error, F_SETFD, FD_CLOEXEC);
  if (plan.isolate_network) ::unshare(CLONE_NEWNET);  // a dev tool: no permission, no isolation
  for (int i = 0; i < plan.limit_count; ++i) {
    rlimit rl{plan.limits[i].value, plan.limits[i].hard};
    if (::setrlimit(plan.limits[i].resource, &rl) != 0) fail_before_exec(stage_rlimit);
  }
  if (::chdir(plan.work_dir) != 0) fail_before_exec(stage_chdir);
  if (plan.drop_privileges) {
    if (::setgroups(0, nullptr) != 0) fail_before_exec(stage_setgroups);
    if (::setgid(plan.gid) != 0) fail_before_exec(stage_setgid);
    if (::setuid(plan.uid) != 0) fail_before_exec(stage_setuid);
    if (plan.uid != 0 && (::geteuid() == 0 || ::getuid() == 0)) {
      errno = EPERM;
      fail_before_exec(stage_still_privileged);
    }
  }
  ::umask(022);
  ::execve(plan.argv[0], plan.argv, plan.envp);
  fail_before_exec(stage_execve);
}

}  // namespace

const char* stage_name(std::int32_t stage) {
  switch (stage) {
    case stage_process_group: return "setpgid";
    case stage_rlimit: return "setrlimit";
    case stage_chdir: return "chdir";
    case stage_setgroups: return "setgroups";
    case stage_setgid: return "setgid";
    case stage_setuid: return "setuid";
    case stage_still_privileged: return "drop privileges";
    case stage_execve: return "execve";
  }
  return "start";
}

[[noreturn]] void run_monitor(const child_plan& plan) {
  reset_signals();
  int high[5];
  for (int i = 0; i < 5; ++i) {
    high[i] = ::fcntl(plan.source_fds[i], F_DUPFD_CLOEXEC, 16);
    if (high[i] < 0) ::_exit(120);
  }
  for (int i = 0; i < 5; ++i) {
    if (::dup2(high[i], i) < 0) ::_exit(121);
  }
  close_fds_from(first_unused_fd);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != plan.runner_pid) ::_exit(122);  // the runner died before prctl
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  monitor_report report{};
  report.magic = report_magic;
  const std::int64_t started = monotonic_ns();
  pid_t program = fork_without_handlers();
  if (program == 0) run_program(plan);

  std::int32_t pid_message = program > 0 ? program : -1;
  write_all(fd_report, &pid_message, sizeof pid_message);
  ::close(0);
  ::close(1);
  ::close(2);
  ::close(fd_exec_error);
  if (program < 0) {
    report.fork_errno = errno;
    write_all(fd_report, &report, sizeof report);
    ::_exit(0);
  }

  int status = 0;
  rusage usage{};
  for (;;) {
    if (::wait4(program, &status, 0, &usage) == program) break;
    if (errno != EINTR) {
      report.wait_errno = errno;
      break;
    }
  }
  report.wall_ns = monotonic_ns() - started;
  report.wait_status = status;
  report.utime_us = static_cast<std::int64_t>(usage.ru_utime.tv_sec) * 1'000'000 + usage.ru_utime.tv_usec;
  report.stime_us = static_cast<std::int64_t>(usage.ru_stime.tv_sec) * 1'000'000 + usage.ru_stime.tv_usec;
  report.maxrss_kb = usage.ru_maxrss;
  kill_and_reap_everything(program);
  write_all(fd_report, &report, sizeof report);
  ::_exit(0);
}

}  // namespace judge0_lite::run_monitor_detail
