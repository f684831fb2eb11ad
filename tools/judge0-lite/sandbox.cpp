// The runner's side of one run: pipes, the fork of the monitor (see run_monitor.hpp), the poll
// loop that feeds stdin, collects stdout/stderr under a cap and enforces the wall clock, and
// the reading of the monitor's report.
#include "sandbox.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_monitor.hpp"

namespace judge0_lite {
namespace {

using namespace run_monitor_detail;
using clock_type = std::chrono::steady_clock;

constexpr auto stream_drain_grace = std::chrono::seconds(1);
constexpr auto monitor_report_grace = std::chrono::seconds(5);

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  ~unique_fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct pipe_ends {
  unique_fd read;
  unique_fd write;
};

bool make_pipe(pipe_ends& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  p.read = unique_fd(fds[0]);
  p.write = unique_fd(fds[1]);
  return true;
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

std::string errno_text(int err) { return std::strerror(err); }

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

rlim_t kb_to_bytes(std::int64_t kb) {
  return static_cast<rlim_t>(kb) * 1024;
}

void add_limit(child_plan& plan, int resource, rlim_t soft, rlim_t hard) {
  plan.limits[plan.limit_count++] = rlimit_entry{resource, soft, hard};
}

void plan_limits(child_plan& plan, const run_limits& lim) {
  add_limit(plan, RLIMIT_CORE, 0, 0);
  double cpu = std::ceil(std::max(0.0, lim.cpu_time_s) + std::max(0.0, lim.cpu_extra_s));
  rlim_t cpu_soft = static_cast<rlim_t>(std::max(1.0, cpu));
  add_limit(plan, RLIMIT_CPU, cpu_soft, cpu_soft + 1);
  if (lim.memory_kb > 0) {
    if (lim.memory_kind == memory_rlimit::address_space) {
      add_limit(plan, RLIMIT_AS, kb_to_bytes(lim.memory_kb), kb_to_bytes(lim.memory_kb));
    } else {
      add_limit(plan, RLIMIT_DATA, kb_to_bytes(lim.memory_kb), kb_to_bytes(lim.memory_kb));
      if (lim.address_space_headroom_kb > 0) {
        rlim_t as = kb_to_bytes(lim.memory_kb + lim.address_space_headroom_kb);
        add_limit(plan, RLIMIT_AS, as, as);
      }
    }
  }
  if (lim.stack_kb > 0) add_limit(plan, RLIMIT_STACK, kb_to_bytes(lim.stack_kb), kb_to_bytes(lim.stack_kb));
  if (lim.max_file_size_kb >= 0) {
    add_limit(plan, RLIMIT_FSIZE, kb_to_bytes(lim.max_file_size_kb), kb_to_bytes(lim.max_file_size_kb));
  }
  if (lim.max_processes > 0) {
    add_limit(plan, RLIMIT_NPROC, static_cast<rlim_t>(lim.max_processes),
              static_cast<rlim_t>(lim.max_processes));
  }
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Reads what is available; returns false at end of stream.
bool drain(int fd, std::string& into, std::size_t cap, bool& over_cap) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      std::size_t room = into.size() < cap ? cap - into.size() : 0;
      std::size_t take = std::min(room, static_cast<std::size_t>(n));
      into.append(buf, take);
      if (take < static_cast<std::size_t>(n)) over_cap = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

void wait_for_exit(pid_t pid) {
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

bool running_as_root() { return ::geteuid() == 0; }

run_outcome run_process(const run_spec& spec) {
  ignore_sigpipe_once();
  run_outcome out;
  if (spec.argv.empty()) {
    out.error = "nothing to run";
    return out;
  }

  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  child_plan plan;
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.work_dir = spec.work_dir.empty() ? "/" : spec.work_dir.c_str();
  plan_limits(plan, spec.limits);
  plan.drop_privileges = spec.run_as.has_value() && running_as_root();
  if (plan.drop_privileges) {
    plan.uid = spec.run_as->uid;
    plan.gid = spec.run_as->gid;
  }
  plan.isolate_network = spec.isolate_network;
  plan.runner_pid = ::getpid();

  pipe_ends in, so, se, ee, rp;
  if (!make_pipe(in) || !make_pipe(so) || !make_pipe(se) || !make_pipe(ee) || !make_pipe(rp)) {
    out.error = "pipe: " + errno_text(errno);
    return out;
  }
  plan.source_fds[0] = in.read.get();
  plan.source_fds[1] = so.write.get();
  plan.source_fds[2] = spec.redirect_stderr_to_stdout ? so.write.get() : se.write.get();
  plan.source_fds[3] = ee.write.get();
  plan.source_fds[4] = rp.write.get();

  const auto started = clock_type::now();
  pid_t monitor = ::fork();
  if (monitor < 0) {
    out.error = "fork: " + errno_text(errno);
    return out;
  }
  if (monitor == 0) run_monitor(plan);

  in.read.reset();
  so.write.reset();
  se.write.reset();
  ee.write.reset();
  rp.write.reset();
  if (spec.redirect_stderr_to_stdout) se.read.reset();
  for (int fd : {in.write.get(), so.read.get(), se.read.get(), ee.read.get(), rp.read.get()}) {
    if (fd >= 0) set_nonblocking(fd);
  }
  if (spec.stdin_data.empty()) in.write.reset();

  const auto wall_limit = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(std::max(0.0, spec.limits.wall_time_s)));
  const auto wall_deadline = started + wall_limit;
  const auto report_deadline = wall_deadline + monitor_report_grace;
  const std::size_t cap = spec.limits.output_cap_bytes;

  std::string report_bytes;
  std::string exec_error_bytes;
  std::size_t stdin_written = 0;
  pid_t program = 0;
  bool kill_wanted = false;
  bool kill_sent = false;
  bool monitor_lost = false;
  std::optional<clock_type::time_point> drain_deadline;
  bool over_cap = false;

  auto report_complete = [&] { return report_bytes.size() >= sizeof(std::int32_t) + sizeof(monitor_report); };

  for (;;) {
    const auto now = clock_type::now();
    if (!rp.read) {
      // The monitor is done: everything is dead. Wait briefly for the streams to close.
      if (!so.read && !se.read) break;
      if (!drain_deadline) drain_deadline = now + stream_drain_grace;
      if (now >= *drain_deadline) break;
    } else {
      if (now >= wall_deadline && !kill_wanted) {
        out.wall_time_exceeded = true;
        kill_wanted = true;
      }
      if (spec.cancel != nullptr && spec.cancel->load() && !kill_wanted) {
        out.cancelled = true;
        kill_wanted = true;
      }
      if (now >= report_deadline) {
        ::kill(monitor, SIGKILL);
        if (program > 0) ::kill(-program, SIGKILL);
        monitor_lost = true;
        break;
      }
    }
    if (over_cap && !kill_wanted) {
      out.output_limit_exceeded = true;
      kill_wanted = true;
    }
    if (kill_wanted && !kill_sent && program > 0 && rp.read) {
      ::kill(-program, SIGKILL);
      kill_sent = true;
    }

    pollfd fds[5];
    int count = 0;
    int idx_in = -1, idx_out = -1, idx_err = -1, idx_report = -1, idx_exec = -1;
    if (in.write) {
      idx_in = count;
      fds[count++] = pollfd{in.write.get(), POLLOUT, 0};
    }
    if (so.read) {
      idx_out = count;
      fds[count++] = pollfd{so.read.get(), POLLIN, 0};
    }
    if (se.read) {
      idx_err = count;
      fds[count++] = pollfd{se.read.get(), POLLIN, 0};
    }
    if (rp.read) {
      idx_report = count;
      fds[count++] = pollfd{rp.read.get(), POLLIN, 0};
    }
    if (ee.read) {
      idx_exec = count;
      fds[count++] = pollfd{ee.read.get(), POLLIN, 0};
    }
    auto next = drain_deadline ? *drain_deadline : (kill_wanted ? report_deadline : wall_deadline);
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
    int timeout = static_cast<int>(std::clamp<long long>(wait_ms, 1, 50));
    int ready = ::poll(fds, static_cast<nfds_t>(count), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      out.error = "poll: " + errno_text(errno);
      ::kill(monitor, SIGKILL);
      if (program > 0) ::kill(-program, SIGKILL);
      monitor_lost = true;
      break;
    }
    if (ready == 0) continue;

    if (idx_in >= 0 && fds[idx_in].revents != 0) {
      if (fds[idx_in].revents & (POLLERR | POLLHUP)) {
        in.write.reset();
      } else {
        std::size_t left = spec.stdin_data.size() - stdin_written;
        ssize_t n = ::write(in.write.get(), spec.stdin_data.data() + stdin_written,
                            std::min<std::size_t>(left, 65536));
        if (n > 0) stdin_written += static_cast<std::size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_written == spec.stdin_data.size()) {
          in.write.reset();  // EPIPE: the program stopped reading, which is its right
        }
      }
    }
    if (idx_out >= 0 && fds[idx_out].revents != 0) {
      if (!drain(so.read.get(), out.stdout_data, cap, over_cap)) so.read.reset();
    }
    if (idx_err >= 0 && fds[idx_err].revents != 0) {
      if (!drain(se.read.get(), out.stderr_data, cap, over_cap)) se.read.reset();
    }
    if (idx_exec >= 0 && fds[idx_exec].revents != 0) {
      bool ignored = false;
      if (!drain(ee.read.get(), exec_error_bytes, sizeof(exec_failure), ignored)) ee.read.reset();
    }
    if (idx_report >= 0 && fds[idx_report].revents != 0) {
      bool ignored = false;
      if (!drain(rp.read.get(), report_bytes, sizeof(std::int32_t) + sizeof(monitor_report), ignored)) {
        rp.read.reset();
      }
      if (program == 0 && report_bytes.size() >= sizeof(std::int32_t)) {
        std::int32_t pid;
        std::memcpy(&pid, report_bytes.data(), sizeof pid);
        program = pid > 0 ? pid : -1;
      }
    }
  }
  in.write.reset();
  // A last look at the exec-error pipe: its EOF may not have been polled yet.
  if (ee.read) {
    bool ignored = false;
    drain(ee.read.get(), exec_error_bytes, sizeof(exec_failure), ignored);
  }
  if (!report_complete() && program > 0) ::kill(-program, SIGKILL);
  wait_for_exit(monitor);

  if (monitor_lost || !report_complete()) {
    if (out.error.empty()) out.error = "the run's monitor process did not report";
    return out;
  }
  monitor_report report;
  std::memcpy(&report, report_bytes.data() + sizeof(std::int32_t), sizeof report);
  if (report.magic != report_magic) {
    out.error = "garbled report from the run's monitor process";
    return out;
  }
  if (report.fork_errno != 0) {
    out.error = "fork: " + errno_text(report.fork_errno);
    return out;
  }
  if (report.wait_errno != 0) {
    out.error = "wait4: " + errno_text(report.wait_errno);
    return out;
  }
  out.completed = true;
  if (WIFEXITED(report.wait_status)) {
    out.exited = true;
    out.exit_code = WEXITSTATUS(report.wait_status);
  } else if (WIFSIGNALED(report.wait_status)) {
    out.term_signal = WTERMSIG(report.wait_status);
  }
  // The deadline can pass while the monitor is still reaping a program that ended on its own.
  if (out.wall_time_exceeded && out.term_signal != SIGKILL) out.wall_time_exceeded = false;
  if (exec_error_bytes.size() >= sizeof(exec_failure)) {
    exec_failure f;
    std::memcpy(&f, exec_error_bytes.data(), sizeof f);
    out.exec_failed = true;
    out.exec_errno = f.err;
    out.exec_stage = stage_name(f.stage);
  }
  out.cpu_time_s = static_cast<double>(report.utime_us + report.stime_us) / 1e6;
  out.wall_time_s = static_cast<double>(report.wall_ns) / 1e9;
  out.memory_kb = report.maxrss_kb;
  return out;
}

}  // namespace judge0_lite
