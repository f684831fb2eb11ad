#include "actors/policy/token_bucket.hpp"

#include <gtest/gtest.h>

using cx::bucket_state;
using cx::take_token;

TEST(TokenBucket, AllowsTheBurstThenRefuses) {
  bucket_state b;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(take_token(b, 0, 60, 5).allowed) << i;
  auto d = take_token(b, 0, 60, 5);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after_s, 1);  // 60 per minute: one token a second
}

TEST(TokenBucket, RefillsWithTimeUpToTheBurst) {
  bucket_state b;
  for (int i = 0; i < 5; ++i) take_token(b, 0, 60, 5);
  EXPECT_FALSE(take_token(b, 500, 60, 5).allowed);
  EXPECT_TRUE(take_token(b, 1000, 60, 5).allowed);
  auto d = take_token(b, 1'000'000, 60, 5);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 4);
}

TEST(TokenBucket, RetryAfterReflectsTheRate) {
  bucket_state b;
  take_token(b, 0, 6, 1);
  auto d = take_token(b, 0, 6, 1);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 10);
}

TEST(TokenBucket, ClockGoingBackwardsDoesNotMintTokens) {
  bucket_state b;
  take_token(b, 10'000, 60, 1);
  EXPECT_FALSE(take_token(b, 0, 60, 1).allowed);
}
