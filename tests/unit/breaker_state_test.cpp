#include "actors/policy/breaker_state.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {
const breaker_settings kCfg{3, 1000, 1};
}

TEST(BreakerState, OpensAfterConsecutiveFailures) {
  breaker_state s;
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_EQ(s.mode, breaker_mode::closed);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_EQ(s.mode, breaker_mode::open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 10));
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 10));
}

TEST(BreakerState, ASuccessResetsTheCount) {
  breaker_state s;
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::success, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_EQ(s.mode, breaker_mode::closed);
}

TEST(BreakerState, HalfOpenAfterTheOpenTimeLetsTrialsThrough) {
  breaker_state s;
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 999));
  EXPECT_FALSE(breaker_rejecting(s, kCfg, 1000));
  EXPECT_TRUE(breaker_allow(s, kCfg, 1000));
  EXPECT_EQ(s.mode, breaker_mode::half_open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 1000));  // one trial at a time
  EXPECT_TRUE(breaker_rejecting(s, kCfg, 1000));
}

TEST(BreakerState, TrialSuccessClosesTrialFailureReopens) {
  breaker_state s;
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, call_outcome::failure, 0);
  ASSERT_TRUE(breaker_allow(s, kCfg, 1000));
  breaker_record(s, kCfg, call_outcome::success, 1001);
  EXPECT_EQ(s.mode, breaker_mode::closed);

  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, call_outcome::failure, 2000);
  ASSERT_TRUE(breaker_allow(s, kCfg, 3000));
  breaker_record(s, kCfg, call_outcome::failure, 3001);
  EXPECT_EQ(s.mode, breaker_mode::open);
  EXPECT_FALSE(breaker_allow(s, kCfg, 3500));
  EXPECT_TRUE(breaker_allow(s, kCfg, 4001));
}

TEST(BreakerState, QueueFullAnd4xxCountNeitherWay) {
  EXPECT_EQ(judge0_call_outcome(false, 0, false), call_outcome::failure);  // transport error, timeout
  EXPECT_EQ(judge0_call_outcome(true, 500, false), call_outcome::failure);
  EXPECT_EQ(judge0_call_outcome(true, 503, false), call_outcome::failure);
  EXPECT_EQ(judge0_call_outcome(true, 503, true), call_outcome::neutral);  // "queue is full"
  EXPECT_EQ(judge0_call_outcome(true, 422, false), call_outcome::neutral);
  EXPECT_EQ(judge0_call_outcome(true, 401, false), call_outcome::neutral);
  EXPECT_EQ(judge0_call_outcome(true, 201, false), call_outcome::success);

  breaker_state s;  // a neutral answer between failures does not reset the streak
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  breaker_record(s, kCfg, call_outcome::neutral, 0);
  breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_EQ(s.mode, breaker_mode::open);
}

TEST(BreakerState, ANeutralTrialFreesItsSlotAndDecidesNothing) {
  breaker_state s;
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, call_outcome::failure, 0);
  ASSERT_TRUE(breaker_allow(s, kCfg, 1000));
  EXPECT_FALSE(breaker_allow(s, kCfg, 1000));
  breaker_record(s, kCfg, call_outcome::neutral, 1001);
  EXPECT_EQ(s.mode, breaker_mode::half_open);
  EXPECT_TRUE(breaker_allow(s, kCfg, 1002));  // the next trial decides
  breaker_record(s, kCfg, call_outcome::success, 1003);
  EXPECT_EQ(s.mode, breaker_mode::closed);
}

namespace {
bool same(const breaker_state& a, const breaker_state& b) {
  return a.mode == b.mode && a.consecutive_failures == b.consecutive_failures && a.opened_at_ms == b.opened_at_ms &&
         a.trials_in_flight == b.trials_in_flight;
}
}  // namespace

// Callers skip the actor while all clear: that must never change an answer or the state.
TEST(BreakerState, AllClearMeansAskingAndRecordingSuccessOrNeutralChangeNothing) {
  std::uint64_t seed = 12345;
  auto next = [&seed] { return (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  breaker_state s;
  std::int64_t now = 0;
  int clear_seen = 0, not_clear_seen = 0;
  for (int i = 0; i < 5000; ++i) {
    now += static_cast<std::int64_t>(next() % 400);
    if (breaker_all_clear(s)) {
      ++clear_seen;
      auto before = s;
      EXPECT_FALSE(breaker_rejecting(s, kCfg, now));
      EXPECT_TRUE(breaker_allow(s, kCfg, now));
      EXPECT_TRUE(same(before, s));
      breaker_record(s, kCfg, call_outcome::success, now);
      EXPECT_TRUE(same(before, s));
      breaker_record(s, kCfg, call_outcome::neutral, now);
      EXPECT_TRUE(same(before, s));
    } else {
      ++not_clear_seen;
    }
    switch (next() % 3) {
      case 0: breaker_allow(s, kCfg, now); break;
      case 1: breaker_record(s, kCfg, static_cast<call_outcome>(next() % 3), now); break;
      default: breaker_record(s, kCfg, call_outcome::success, now); break;
    }
  }
  EXPECT_GT(clear_seen, 100);
  EXPECT_GT(not_clear_seen, 100);
}

TEST(BreakerState, NotAllClearAfterAFailureOrWhenOpen) {
  breaker_state s;
  EXPECT_TRUE(breaker_all_clear(s));
  breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_FALSE(breaker_all_clear(s));
  breaker_record(s, kCfg, call_outcome::success, 0);
  EXPECT_TRUE(breaker_all_clear(s));
  for (int i = 0; i < 3; ++i) breaker_record(s, kCfg, call_outcome::failure, 0);
  EXPECT_EQ(s.mode, breaker_mode::open);
  EXPECT_FALSE(breaker_all_clear(s));
}
