#include "actors/policy/replay_guard.hpp"

#include <gtest/gtest.h>

#include <string>

using cx::replay_guard;

TEST(ReplayGuard, ASignatureIsAcceptedOnceWithinItsWindow) {
  replay_guard g(100);
  EXPECT_TRUE(g.first_use("v1=aa", 1300, 1000));
  EXPECT_FALSE(g.first_use("v1=aa", 1300, 1001));
  EXPECT_FALSE(g.first_use("v1=aa", 1300, 1300));
  EXPECT_TRUE(g.first_use("v1=bb", 1300, 1001));
}

TEST(ReplayGuard, ExpiredSignaturesAreForgotten) {
  replay_guard g(100);
  EXPECT_TRUE(g.first_use("v1=aa", 1300, 1000));
  EXPECT_TRUE(g.first_use("v1=cc", 1400, 1301));  // purges aa on the way
  EXPECT_EQ(g.size(), 1u);
}

TEST(ReplayGuard, AtItsBoundTheSoonestToExpireGoes) {
  replay_guard g(2);
  EXPECT_TRUE(g.first_use("late", 2000, 1000));
  EXPECT_TRUE(g.first_use("soon", 1100, 1000));
  EXPECT_TRUE(g.first_use("third", 1500, 1000));  // evicts "soon"
  EXPECT_EQ(g.size(), 2u);
  EXPECT_FALSE(g.first_use("late", 2000, 1000));
  EXPECT_FALSE(g.first_use("third", 1500, 1000));
}

TEST(ReplayGuard, NeverHoldsMoreThanItsBound) {
  replay_guard g(1000);
  for (int i = 0; i < 50000; ++i) g.first_use("sig" + std::to_string(i), 10000 + i % 300, 1000);
  EXPECT_EQ(g.size(), 1000u);
}
