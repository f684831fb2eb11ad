#include "actors/policy/backoff.hpp"

#include <gtest/gtest.h>

using namespace cx;

TEST(Backoff, FullJitterStaysUnderAnExponentialCeiling) {
  EXPECT_EQ(backoff_delay_ms(1, 100, 10000, 0.999), 99);
  EXPECT_EQ(backoff_delay_ms(3, 100, 10000, 0.5), 200);
  EXPECT_EQ(backoff_delay_ms(20, 100, 10000, 0.5), 5000);
  EXPECT_EQ(backoff_delay_ms(2, 100, 10000, 0.0), 0);
}

TEST(Backoff, RetryAfterIsHonouredUpToTheCap) {
  EXPECT_EQ(backoff_delay_ms(1, 100, 10000, 0.1, 3000), 3000);
  EXPECT_EQ(backoff_delay_ms(1, 100, 10000, 0.1, 60000), 10000);
}

TEST(Backoff, ParsesRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after_ms("3"), 3000);
  EXPECT_EQ(parse_retry_after_ms(" 0 "), 0);
  EXPECT_FALSE(parse_retry_after_ms(""));
  EXPECT_FALSE(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after_ms("-1"));
}

TEST(Backoff, RetriesOnlyTransientAnswers) {
  EXPECT_TRUE(is_retryable_status(0));
  EXPECT_TRUE(is_retryable_status(408));
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_TRUE(is_retryable_status(503));
  EXPECT_FALSE(is_retryable_status(400));
  EXPECT_FALSE(is_retryable_status(404));
  EXPECT_FALSE(is_retryable_status(200));
}
