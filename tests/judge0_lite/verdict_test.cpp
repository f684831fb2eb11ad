#include <gtest/gtest.h>

#include <csignal>

#include "verdict.hpp"

namespace judge0_lite {
namespace {

run_outcome exited(int code, double cpu = 0.01) {
  run_outcome r;
  r.completed = true;
  r.exited = true;
  r.exit_code = code;
  r.cpu_time_s = cpu;
  return r;
}

run_outcome signalled(int sig) {
  run_outcome r;
  r.completed = true;
  r.term_signal = sig;
  return r;
}

TEST(StatusTable, HasJudge0sFourteenStatusesInOrder) {
  const auto& t = status_table();
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].id, static_cast<int>(i) + 1);
  EXPECT_EQ(status_description(11), "Runtime Error (NZEC)");
  EXPECT_EQ(status_description(14), "Exec Format Error");
}

TEST(ClassifyRun, CleanExitWithoutExpectedOutputIsAccepted) {
  verdict v = classify_run(exited(0), 5, std::string("x\n"), std::nullopt);
  EXPECT_EQ(v.status_id, status::accepted);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_FALSE(v.message);
}

TEST(ClassifyRun, ComparesWithExpectedOutput) {
  EXPECT_EQ(classify_run(exited(0), 5, std::string("42\n"), std::string("42")).status_id, status::accepted);
  EXPECT_EQ(classify_run(exited(0), 5, std::string("41\n"), std::string("42")).status_id, status::wrong_answer);
}

TEST(ClassifyRun, NonZeroExitIsNzecWithIsolatesMessage) {
  verdict v = classify_run(exited(3), 5, std::nullopt, std::string("x"));
  EXPECT_EQ(v.status_id, status::nzec);
  EXPECT_EQ(v.message, "Exited with error status 3");
  EXPECT_EQ(v.exit_code, 3);
}

TEST(ClassifyRun, MapsSignalsLikeJudge0) {
  EXPECT_EQ(classify_run(signalled(SIGSEGV), 5, std::nullopt, std::nullopt).status_id, status::sigsegv);
  EXPECT_EQ(classify_run(signalled(SIGXFSZ), 5, std::nullopt, std::nullopt).status_id, status::sigxfsz);
  EXPECT_EQ(classify_run(signalled(SIGFPE), 5, std::nullopt, std::nullopt).status_id, status::sigfpe);
  EXPECT_EQ(classify_run(signalled(SIGABRT), 5, std::nullopt, std::nullopt).status_id, status::sigabrt);
  verdict killed = classify_run(signalled(SIGKILL), 5, std::nullopt, std::nullopt);
  EXPECT_EQ(killed.status_id, status::other_runtime_error);
  EXPECT_EQ(killed.message, "Caught fatal signal 9");
  EXPECT_EQ(killed.exit_signal, SIGKILL);
  EXPECT_EQ(killed.exit_code, 0);
}

TEST(ClassifyRun, CpuTimeOverTheLimitIsTleEvenAfterAcleanExit) {
  verdict v = classify_run(exited(0, 2.5), 2.0, std::string("ok"), std::nullopt);
  EXPECT_EQ(v.status_id, status::time_limit_exceeded);
  EXPECT_EQ(v.message, "Time limit exceeded");
  EXPECT_EQ(classify_run(signalled(SIGXCPU), 5, std::nullopt, std::nullopt).status_id, status::time_limit_exceeded);
}

TEST(ClassifyRun, WallClockKillIsTleNotSigkill) {
  run_outcome r = signalled(SIGKILL);
  r.wall_time_exceeded = true;
  verdict v = classify_run(r, 5, std::nullopt, std::nullopt);
  EXPECT_EQ(v.status_id, status::time_limit_exceeded);
  EXPECT_EQ(v.message, "Time limit exceeded (wall clock)");
}

TEST(ClassifyRun, OutputCapIsReportedAsSigxfsz) {
  run_outcome r = signalled(SIGKILL);
  r.output_limit_exceeded = true;
  verdict v = classify_run(r, 5, std::string("yyyy"), std::nullopt);
  EXPECT_EQ(v.status_id, status::sigxfsz);
  EXPECT_EQ(v.exit_signal, SIGXFSZ);
}

TEST(ClassifyRun, RunnerFailuresAreInternalErrors) {
  run_outcome r;
  r.error = "fork: Resource temporarily unavailable";
  verdict v = classify_run(r, 5, std::nullopt, std::nullopt);
  EXPECT_EQ(v.status_id, status::internal_error);
  EXPECT_EQ(v.message, r.error);
}

TEST(ClassifyRun, MissingExecutableIsExecFormatError) {
  run_outcome r = exited(127);
  r.exec_failed = true;
  r.exec_errno = ENOENT;
  r.exec_stage = "execve";
  EXPECT_EQ(classify_run(r, 5, std::nullopt, std::nullopt).status_id, status::exec_format_error);
  r.exec_errno = EAGAIN;
  EXPECT_EQ(classify_run(r, 5, std::nullopt, std::nullopt).status_id, status::internal_error);
}

}  // namespace
}  // namespace judge0_lite
