#include "actors/policy/poll_timing.hpp"

#include <gtest/gtest.h>

using cx::poll_ms;
using cx::recent_job_times;

TEST(PollTiming, EffectiveIntervalIsTheLargerOfTheTwo) {
  EXPECT_EQ(cx::effective_poll_interval(poll_ms(500), poll_ms(1000)), poll_ms(1000));
  EXPECT_EQ(cx::effective_poll_interval(poll_ms(1500), poll_ms(1000)), poll_ms(1500));
  EXPECT_EQ(cx::effective_poll_interval(poll_ms(5), poll_ms(0)), poll_ms(5));
}

TEST(PollTiming, NoHistoryWaitsOnePollInterval) {
  recent_job_times t;
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(500));
}

TEST(PollTiming, FirstPollWaitsForTheShortestRecentJobWithinBounds) {
  recent_job_times t;
  t.add(poll_ms(800));
  t.add(poll_ms(700));
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(700));
  t.add(poll_ms(5000));  // a long job does not move the minimum
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(700));
  t.add(poll_ms(100));  // never below the poll interval
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(500));
}

TEST(PollTiming, NeverAboveTheEffectiveInterval) {
  recent_job_times t;
  t.add(poll_ms(9000));
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(1000));
  // JUDGE0_MIN_POLL_INTERVAL_MS=0 is today's behaviour: every poll one poll interval apart.
  EXPECT_EQ(t.first_poll_delay(poll_ms(5), poll_ms(0)), poll_ms(5));
}

TEST(PollTiming, OnlyTheLastJobsCount) {
  recent_job_times t(2);
  t.add(poll_ms(600));
  t.add(poll_ms(900));
  t.add(poll_ms(950));  // the 600 ms job falls out of the window
  EXPECT_EQ(t.first_poll_delay(poll_ms(500), poll_ms(1000)), poll_ms(900));
}
