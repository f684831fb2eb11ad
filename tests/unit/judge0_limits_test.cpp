#include "actors/policy/judge0_limits.hpp"

#include <gtest/gtest.h>

using cx::clamp_inline_limits;
using cx::clamp_limits;

TEST(Judge0Limits, MapsQuestionLimitsToJudge0Units) {
  auto l = clamp_limits(2, 128, {});
  EXPECT_DOUBLE_EQ(*l.cpu_seconds, 2);
  EXPECT_DOUBLE_EQ(*l.wall_seconds, 4);
  EXPECT_EQ(*l.memory_kb, 128 * 1024);
}

TEST(Judge0Limits, WallTimeIsClampedInsteadOfTwiceAnOversizedCpu) {
  auto l = clamp_limits(12, 256, {});
  EXPECT_DOUBLE_EQ(*l.cpu_seconds, 12);
  EXPECT_DOUBLE_EQ(*l.wall_seconds, 20);
}

TEST(Judge0Limits, EveryLimitIsClampedIntoJudge0Range) {
  auto l = clamp_limits(100, 100000, {15, 20, 512000});
  EXPECT_DOUBLE_EQ(*l.cpu_seconds, 15);
  EXPECT_DOUBLE_EQ(*l.wall_seconds, 20);
  EXPECT_EQ(*l.memory_kb, 512000);
  auto small = clamp_limits(0.1, 1, {});
  EXPECT_GE(*small.wall_seconds, 1.0);
  EXPECT_EQ(*small.memory_kb, 2048);
  auto bad = clamp_limits(-5, -1, {});
  EXPECT_GT(*bad.cpu_seconds, 0);
  EXPECT_EQ(*bad.memory_kb, 2048);
}

TEST(Judge0Limits, ConfiguredClampsApply) {
  auto l = clamp_limits(10, 1024, {5, 8, 65536});
  EXPECT_DOUBLE_EQ(*l.cpu_seconds, 5);
  EXPECT_DOUBLE_EQ(*l.wall_seconds, 8);
  EXPECT_EQ(*l.memory_kb, 65536);
}

TEST(Judge0Limits, InlineLimitsOnlySendWhatWasGiven) {
  auto none = clamp_inline_limits(std::nullopt, std::nullopt, std::nullopt, {});
  EXPECT_FALSE(none.cpu_seconds);
  EXPECT_FALSE(none.wall_seconds);
  EXPECT_FALSE(none.memory_kb);
  auto some = clamp_inline_limits(30.0, std::nullopt, 0.5, {});
  EXPECT_DOUBLE_EQ(*some.cpu_seconds, 15);
  EXPECT_DOUBLE_EQ(*some.wall_seconds, 1);
  EXPECT_FALSE(some.memory_kb);
}
