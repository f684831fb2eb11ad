// run_process driven directly: limits, process-group and orphan cleanup, pipes, privileges.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "sandbox.hpp"
#include "test_support.hpp"

namespace judge0_lite {
namespace {

using judge0_lite::testing::count_processes_of_uid;
using judge0_lite::testing::count_processes_with_cmdline;
using judge0_lite::testing::seconds_since;
using judge0_lite::testing::unused_uid;
using clock_type = std::chrono::steady_clock;

run_spec shell(const std::string& script) {
  run_spec s;
  s.argv = {"/bin/sh", "-c", script};
  s.env = {"PATH=/usr/bin:/bin"};
  s.work_dir = "/tmp";
  s.run_as = identity{};
  s.limits.wall_time_s = 5;
  return s;
}

// A unique sleep duration that marks a test's processes in /proc.
std::string marker() {
  static std::atomic<int> n{0};
  return "9" + std::to_string(::getpid() % 100000) + "." + std::to_string(100 + n++);
}

TEST(RunProcess, ReportsExitCodeAndOutputs) {
  run_outcome r = run_process(shell("echo out; echo err >&2; exit 7"));
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.stdout_data, "out\n");
  EXPECT_EQ(r.stderr_data, "err\n");
  EXPECT_GT(r.memory_kb, 0);
}

TEST(RunProcess, ReportsTheKillingSignal) {
  run_outcome r = run_process(shell("kill -TERM $$"));
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_FALSE(r.exited);
  EXPECT_EQ(r.term_signal, SIGTERM);
}

TEST(RunProcess, FeedsLargeStdinWhileReadingStdout) {
  // Far beyond the pipe buffers in both directions: needs the non-blocking loop to work.
  std::string input;
  for (int i = 0; i < 200000; ++i) input += "line " + std::to_string(i) + "\n";
  run_spec s = shell("cat");
  s.stdin_data = input;
  s.limits.output_cap_bytes = 8 << 20;
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_data.size(), input.size());
  EXPECT_TRUE(r.stdout_data == input);
}

TEST(RunProcess, ProgramThatIgnoresStdinStillFinishes) {
  run_spec s = shell("echo done");
  s.stdin_data = std::string(4 << 20, 'x');
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.stdout_data, "done\n");
}

TEST(RunProcess, WallClockKillsTheWholeProcessGroup) {
  std::string m = marker();
  run_spec s = shell("sleep " + m + " & sleep " + m + "; wait");
  s.limits.wall_time_s = 0.5;
  auto start = clock_type::now();
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_TRUE(r.wall_time_exceeded);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_LT(seconds_since(start), 2.0);
  EXPECT_GE(r.wall_time_s, 0.45);
  EXPECT_EQ(count_processes_with_cmdline(std::string("sleep\0", 6) + m), 0);
}

TEST(RunProcess, OrphansThatLeftTheGroupAreKilledWhenTheProgramEnds) {
  std::string m = marker();
  std::string flag = "/tmp/j0l-escaped-" + m;
  // setsid puts the sleeper in a new session, out of reach of a process-group kill; the shell
  // ends only once the sleeper has escaped.
  run_spec s = shell("setsid sh -c 'touch " + flag + "; exec sleep " + m + "' & while [ ! -e " + flag +
                     " ]; do :; done; echo started");
  auto start = clock_type::now();
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_data, "started\n");
  EXPECT_LT(seconds_since(start), 3.0);
  EXPECT_EQ(::unlink(flag.c_str()), 0) << "the sleeper never ran";
  EXPECT_EQ(count_processes_with_cmdline(std::string("sleep\0", 6) + m), 0);
}

TEST(RunProcess, CpuLimitStopsABusyLoop) {
  run_spec s = shell("while :; do :; done");
  s.limits.cpu_time_s = 0.5;
  s.limits.cpu_extra_s = 0;  // RLIMIT_CPU rounds up to 1 s
  s.limits.wall_time_s = 10;
  auto start = clock_type::now();
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_FALSE(r.wall_time_exceeded);
  EXPECT_TRUE(r.term_signal == SIGXCPU || r.term_signal == SIGKILL) << r.term_signal;
  EXPECT_GE(r.cpu_time_s, 0.9);
  EXPECT_LT(seconds_since(start), 4.0);
}

TEST(RunProcess, OutputBeyondTheCapKillsTheRun) {
  run_spec s = shell("yes");
  s.limits.output_cap_bytes = 64 * 1024;
  auto start = clock_type::now();
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_TRUE(r.output_limit_exceeded);
  EXPECT_EQ(r.stdout_data.size(), 64u * 1024u);
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST(RunProcess, FileSizeLimitRaisesSigxfsz) {
  run_spec s = shell("exec head -c 100000 /dev/zero > big");
  testing::scratch_dir dir;
  s.work_dir = dir.path();
  s.run_as.reset();  // the scratch directory belongs to the test's user
  s.limits.max_file_size_kb = 10;
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.term_signal, SIGXFSZ);
}

TEST(RunProcess, AddressSpaceLimitMakesAllocationFail) {
  auto python = find_executable("python3", default_search_path, false);
  if (!python) GTEST_SKIP() << "python3 not installed";
  run_spec s = shell("");
  s.argv = {*python, "-c", "x = bytearray(200 * 1024 * 1024)"};
  s.limits.memory_kb = 64000;
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_data.find("MemoryError"), std::string::npos) << r.stderr_data;
  // The same program fits under a limit that leaves room for it.
  s.limits.memory_kb = 512000;
  run_outcome fits = run_process(s);
  EXPECT_EQ(fits.exit_code, 0) << fits.stderr_data;
}

TEST(RunProcess, MissingExecutableIsAnExecFailure) {
  run_spec s = shell("");
  s.argv = {"/nonexistent/judge0-lite-test-binary"};
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_TRUE(r.exec_failed);
  EXPECT_EQ(r.exec_errno, ENOENT);
  EXPECT_EQ(r.exec_stage, "execve");
}

TEST(RunProcess, CancelStopsTheRunPromptly) {
  std::atomic<bool> cancel{false};
  run_spec s = shell("sleep 30");
  s.limits.wall_time_s = 20;
  s.cancel = &cancel;
  std::thread trigger([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto start = clock_type::now();
  run_outcome r = run_process(s);
  trigger.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST(RunProcess, RedirectsStderrIntoStdoutWhenAsked) {
  run_spec s = shell("echo a; echo b >&2");
  s.redirect_stderr_to_stdout = true;
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.stdout_data, "a\nb\n");
  EXPECT_EQ(r.stderr_data, "");
}

TEST(RunProcess, AsRootTheProgramRunsAsNobodyWithoutSupplementaryGroups) {
  if (!running_as_root()) GTEST_SKIP() << "privilege drop needs root";
  run_outcome r = run_process(shell("id -u; id -g; id -G"));
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.stdout_data, "65534\n65534\n65534\n");
}

TEST(RunProcess, ProcessLimitCapsForkingPerUser) {
  if (!running_as_root()) GTEST_SKIP() << "RLIMIT_NPROC is per user; only root can give the test its own";
  uid_t uid = unused_uid();
  run_spec s = shell("n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & n=$((n+1)); done; echo started");
  s.run_as = identity{uid, 65534};
  s.limits.max_processes = 4;
  s.limits.wall_time_s = 3;
  run_outcome r = run_process(s);
  ASSERT_TRUE(r.completed) << r.error;
  // sh reports failed forks on stderr; with 12 sleeps allowed it would print nothing there.
  EXPECT_NE(r.stderr_data.find("fork"), std::string::npos) << r.stderr_data;
  EXPECT_EQ(count_processes_of_uid(uid), 0);
}

TEST(RunProcess, NetworkIsIsolatedWhereUnshareIsPermitted) {
  if (!running_as_root()) GTEST_SKIP() << "unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN";
  std::ifstream host_dev("/proc/net/dev");
  std::string line;
  int host_interfaces = -2;  // two header lines
  while (std::getline(host_dev, line)) ++host_interfaces;
  if (host_interfaces < 2) GTEST_SKIP() << "the host has only loopback; isolation is not observable";
  run_outcome r = run_process(shell("tail -n +3 /proc/net/dev | wc -l"));
  ASSERT_TRUE(r.completed) << r.error;
  EXPECT_EQ(r.stdout_data, "1\n");  // only lo
  run_spec open = shell("tail -n +3 /proc/net/dev | wc -l");
  open.isolate_network = false;
  EXPECT_EQ(run_process(open).stdout_data, std::to_string(host_interfaces) + "\n");
}

}  // namespace
}  // namespace judge0_lite
