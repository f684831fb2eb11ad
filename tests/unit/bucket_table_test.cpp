#include "actors/policy/bucket_table.hpp"

#include <gtest/gtest.h>

#include <string>

using cx::bucket_table;

TEST(BucketTable, EachKeyHasItsOwnBucket) {
  bucket_table t(60, 2, 100);
  EXPECT_TRUE(t.take("a", 0).allowed);
  EXPECT_TRUE(t.take("a", 0).allowed);
  EXPECT_FALSE(t.take("a", 0).allowed);
  EXPECT_TRUE(t.take("b", 0).allowed);
  EXPECT_EQ(t.size(), 2u);
}

TEST(BucketTable, NeverHoldsMoreThanItsBound) {
  bucket_table t(60, 2, 1000);
  for (int i = 0; i < 100000; ++i) t.take("subject-" + std::to_string(i), i);
  EXPECT_EQ(t.size(), 1000u);
}

TEST(BucketTable, EvictsTheLeastRecentlyUsedBucket) {
  bucket_table t(60, 1, 2);
  EXPECT_TRUE(t.take("a", 0).allowed);
  EXPECT_TRUE(t.take("b", 0).allowed);
  EXPECT_FALSE(t.take("a", 0).allowed);  // a is now the most recent; b the least
  EXPECT_TRUE(t.take("c", 0).allowed);   // evicts b
  EXPECT_FALSE(t.take("a", 0).allowed);  // a kept its empty bucket
  EXPECT_TRUE(t.take("b", 0).allowed);   // b starts over (evicts c)
  EXPECT_EQ(t.size(), 2u);
}
