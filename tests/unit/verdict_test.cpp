#include "actors/policy/verdict.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {

judge0_outcome outcome(int status) {
  judge0_outcome o;
  o.status_id = status;
  return o;
}

testcase public_tc() {
  testcase t;
  t.stdin_text = "1 2";
  t.expected_stdout = "3\n";
  return t;
}

testcase hidden_tc() {
  auto t = public_tc();
  t.hidden = true;
  return t;
}

submission_result describe(const judge0_outcome& o, const testcase& tc, bool reveal = false) {
  submission_result r;
  describe_failure(classify_verdict(o, tc, {}), tc, reveal, r);
  return r;
}

}  // namespace

TEST(Verdict, AcceptedWithMatchingOutputPasses) {
  auto o = outcome(3);
  o.stdout_text = "3\n";
  EXPECT_EQ(classify_verdict(o, public_tc(), {}).kind, verdict_kind::passed);
}

TEST(Verdict, AcceptedWithOtherOutputIsWrongAnswer) {
  auto o = outcome(3);
  o.stdout_text = "4\n";
  auto r = describe(o, public_tc());
  EXPECT_EQ(r.failure->error_message, "Wrong answer");
  EXPECT_EQ(r.failure->actual_output, "4\n");
  EXPECT_EQ(r.failure->stdin_text, "1 2");
  EXPECT_EQ(r.failure->expected_output, "3\n");
}

TEST(Verdict, TimeLimitIsAFailure) {
  auto v = classify_verdict(outcome(5), public_tc(), {});
  EXPECT_EQ(v.kind, verdict_kind::failed);
  EXPECT_EQ(describe(outcome(5), public_tc()).failure->error_message, "Time limit exceeded");
}

TEST(Verdict, CompileErrorCarriesCompileOutputEvenWhenHidden) {
  auto o = outcome(6);
  o.compile_output = "main.cpp:1: error";
  auto r = describe(o, hidden_tc());
  EXPECT_EQ(r.compile_output, "main.cpp:1: error");
  EXPECT_EQ(r.failure->error_message, "main.cpp:1: error");
  EXPECT_FALSE(r.failure->stdin_text);
  auto bare = describe(outcome(6), public_tc());
  EXPECT_EQ(bare.failure->error_message, "Compilation failed");
  EXPECT_EQ(bare.failure->stdin_text, "1 2");  // a public testcase still names its input
  EXPECT_FALSE(bare.failure->actual_output);
}

TEST(Verdict, RuntimeErrorMessagePrefersStderrThenJudge0Message) {
  auto o = outcome(11);
  o.stderr_text = "Traceback: boom";
  o.message = "Exited with error status 1";
  auto r = describe(o, public_tc());
  EXPECT_EQ(r.failure->error_message, "Traceback: boom");
  EXPECT_EQ(r.stderr_text, "Traceback: boom");
  o.stderr_text.reset();
  EXPECT_EQ(describe(o, public_tc()).failure->error_message, "Exited with error status 1");
  EXPECT_EQ(describe(outcome(7), public_tc()).failure->error_message, "Runtime error");
}

TEST(Verdict, HiddenTestcasesRevealOnlyTheVerdictName) {
  auto o = outcome(11);
  o.stderr_text = "secret input was 42";
  o.stdout_text = "partial";
  auto r = describe(o, hidden_tc());
  EXPECT_EQ(r.failure->error_message, "Runtime error (NZEC)");
  EXPECT_FALSE(r.failure->stdin_text);
  EXPECT_FALSE(r.failure->expected_output);
  EXPECT_FALSE(r.failure->actual_output);
  EXPECT_FALSE(r.stderr_text);
}

TEST(Verdict, RevealHiddenOutputAddsActualOutputAndStderr) {
  auto o = outcome(3);
  o.stdout_text = "9\n";
  o.stderr_text = "dbg";
  auto r = describe(o, hidden_tc(), true);
  EXPECT_EQ(r.failure->error_message, "Wrong answer");
  EXPECT_EQ(r.failure->actual_output, "9\n");
  EXPECT_EQ(r.stderr_text, "dbg");
  EXPECT_FALSE(r.failure->stdin_text);
  EXPECT_FALSE(r.failure->expected_output);
}

TEST(Verdict, Judge0InternalAndExecFormatErrorsAreErrorsNamingTheStatus) {
  auto v13 = classify_verdict(outcome(13), public_tc(), {});
  EXPECT_EQ(v13.kind, verdict_kind::error);
  EXPECT_EQ(v13.name, "Judge0 Internal Error");
  auto v14 = classify_verdict(outcome(14), public_tc(), {});
  EXPECT_EQ(v14.kind, verdict_kind::error);
  EXPECT_EQ(v14.name, "Judge0 Exec Format Error");
}

TEST(Verdict, TransportFailureIsAnErrorWithItsReason) {
  judge0_outcome o;
  o.failure = "Judge0 submit failed: timeout";
  auto v = classify_verdict(o, public_tc(), {});
  EXPECT_EQ(v.kind, verdict_kind::error);
  EXPECT_EQ(describe(o, public_tc()).failure->error_message, "Judge0 submit failed: timeout");
}

TEST(Verdict, EveryRuntimeSignalHasItsName) {
  EXPECT_EQ(classify_verdict(outcome(7), hidden_tc(), {}).name, "Runtime error (SIGSEGV)");
  EXPECT_EQ(classify_verdict(outcome(8), hidden_tc(), {}).name, "Runtime error (SIGXFSZ)");
  EXPECT_EQ(classify_verdict(outcome(9), hidden_tc(), {}).name, "Runtime error (SIGFPE)");
  EXPECT_EQ(classify_verdict(outcome(10), hidden_tc(), {}).name, "Runtime error (SIGABRT)");
  EXPECT_EQ(classify_verdict(outcome(12), hidden_tc(), {}).name, "Runtime error (Other)");
}

TEST(Verdict, OnlyStatus13IsRerunAndOnlyWithinTheAllowance) {
  EXPECT_TRUE(cx::rerun_internal_error(13, 0, 1));
  EXPECT_FALSE(cx::rerun_internal_error(13, 1, 1));
  EXPECT_FALSE(cx::rerun_internal_error(13, 0, 0));
  for (int status : {3, 4, 5, 6, 11, 14}) EXPECT_FALSE(cx::rerun_internal_error(status, 0, 5)) << status;
}
