#include "actors/policy/admission.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {
const admission_limits kTwoAndTwo{2, 2, 1000};
}

TEST(Admission, RunsWhileSlotsAreFreeAndNobodyWaits) {
  EXPECT_EQ(decide_admission({0, 0, 0}, kTwoAndTwo, 10), admission::run);
  EXPECT_EQ(decide_admission({1, 0, 0}, kTwoAndTwo, 10), admission::run);
  EXPECT_EQ(decide_admission({1, 0, 0}, kTwoAndTwo, 5000), admission::run);  // the byte bound is for the queue
}

TEST(Admission, QueuesWhenFullOrWhenOthersWaitFirst) {
  EXPECT_EQ(decide_admission({2, 0, 0}, kTwoAndTwo, 10), admission::queue);
  EXPECT_EQ(decide_admission({1, 1, 10}, kTwoAndTwo, 10), admission::queue);  // FIFO: no overtaking
}

TEST(Admission, RejectsWhenTheQueueIsFull) {
  EXPECT_EQ(decide_admission({2, 2, 20}, kTwoAndTwo, 10), admission::reject);
  EXPECT_EQ(decide_admission({2, 0, 0}, {2, 0, 1000}, 10), admission::reject);
}

TEST(Admission, RejectsWhenTheQueuedBytesWouldPassTheirBound) {
  EXPECT_EQ(decide_admission({2, 1, 990}, kTwoAndTwo, 10), admission::queue);
  EXPECT_EQ(decide_admission({2, 1, 990}, kTwoAndTwo, 11), admission::reject);
  EXPECT_EQ(decide_admission({2, 0, 0}, kTwoAndTwo, 1001), admission::reject);
}
