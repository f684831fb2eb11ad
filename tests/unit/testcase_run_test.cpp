#include "actors/policy/testcase_run.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {

testcase tc(std::string in, std::string out) {
  testcase t;
  t.stdin_text = std::move(in);
  t.expected_stdout = std::move(out);
  return t;
}

judge0_outcome printed(std::string out, int calls = 2) {
  judge0_outcome o;
  o.status_id = 3;
  o.status_description = "Accepted";
  o.stdout_text = std::move(out);
  o.judge0_calls = calls;
  return o;
}

}  // namespace

TEST(TestcaseRun, PassesMoveOnInOrderUntilAllPassed) {
  testcase_run run({tc("a", "1"), tc("b", "2")}, {});
  EXPECT_EQ(run.current().stdin_text, "a");
  EXPECT_EQ(run.take(printed("1")).kind, verdict_kind::passed);
  EXPECT_EQ(run.current().stdin_text, "b");
  EXPECT_EQ(run.take(printed("2\n")).kind, verdict_kind::passed);  // trimmed by default
  EXPECT_TRUE(run.all_passed());
  EXPECT_EQ(run.passed(), 2);
  EXPECT_EQ(run.total(), 2);
  EXPECT_EQ(run.judge0_calls(), 4);
}

TEST(TestcaseRun, TheFirstFailureEndsTheRunAtItsIndex) {
  testcase_run run({tc("a", "1"), tc("b", "2"), tc("c", "3")}, {});
  run.take(printed("1"));
  auto v = run.take(printed("wrong"));
  EXPECT_EQ(v.kind, verdict_kind::failed);
  EXPECT_EQ(v.name, "Wrong answer");
  EXPECT_EQ(run.index(), 1u);
  EXPECT_EQ(run.passed(), 1);
  EXPECT_FALSE(run.all_passed());
}

TEST(TestcaseRun, AJudge0FailureIsAnErrorVerdictAndTheComparisonIsTheQuestions) {
  judge0_outcome broken;
  broken.failure = "Judge0 timed out";
  testcase_run run({tc("a", "Yes")}, {true, false, false});
  EXPECT_EQ(run.take(broken).kind, verdict_kind::error);
  EXPECT_EQ(run.index(), 0u);
  EXPECT_EQ(run.take(printed("yes")).kind, verdict_kind::passed);  // caseSensitive false
  EXPECT_TRUE(testcase_run({}, {}).all_passed());
}
