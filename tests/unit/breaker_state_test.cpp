#include "actors/policy/breaker_state.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {
const breaker_settings kCfg{3, 1000, 1};
}

TEST(BreakerState, OpensAfterConsecutiveFailures) {
  breaker_state s;
  breaker_record(s, kCfg, true, 0);
  breaker_record(s, kCfg, true, 0);
  EXPECT_EQ(s.mode, breaker_mode::closed);
  breaker_record(s, kCfg, true, 0);
  EXPECT_EQ(s.mode, breaker_mode::open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 10));
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 10));
}

TEST(BreakerState, ASuccessResetsTheCount) {
  breaker_state s;
  breaker_record(s, kCfg, true, 0);
  breaker_record(s, kCfg, true, 0);
  breaker_record(s, kCfg, false, 0);
  breaker_record(s, kCfg, true, 0);
  breaker_record(s, kCfg, true, 0);
  EXPECT_EQ(s.mode, breaker_mode::closed);
}

TEST(BreakerState, HalfOpenAfterTheOpenTimeLetsTrialsThrough) {
  breaker_state s;
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, true, 0);
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 999));
  EXPECT_FALSE(breaker_rejecting(s, kCfg, 1000));
  EXPECT_TRUE(breaker_allow(s, kCfg, 1000));
  EXPECT_EQ(s.mode, breaker_mode::half_open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 1000));  // one trial at a time
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 1000));
}

TEST(BreakerState, TrialSuccessClosesTrialFailureReopens) {
  breaker_state s;
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, true, 0);
  ASSERT_TRUE(breaker_allow(s, kCfg, 1000));
  breaker_record(s, kCfg, false, 1001);
  EXPECT_EQ(s.mode, breaker_mode::closed);

  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, true, 2000);
  ASSERT_TRUE(breaker_allow(s, kCfg, 3000));
  breaker_record(s, kCfg, true, 3001);
  EXPECT_EQ(s.mode, breaker_mode::open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 3500));
  EXPECT_TRUE(breaker_allow(s, kCfg, 4001));
}
