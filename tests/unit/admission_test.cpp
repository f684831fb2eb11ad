#include "actors/policy/admission.hpp"

#include <gtest/gtest.h>

using namespace cx;

TEST(Admission, RunsWhileSlotsAreFreeAndNobodyWaits) {
  EXPECT_EQ(decide_admission(0, 0, 2, 2), admission::run);
  EXPECT_EQ(decide_admission(1, 0, 2, 2), admission::run);
}

TEST(Admission, QueuesWhenFullOrWhenOthersWaitFirst) {
  EXPECT_EQ(decide_admission(2, 0, 2, 2), admission::queue);
  EXPECT_EQ(decide_admission(1, 1, 2, 2), admission::queue);  // FIFO: no overtaking
}

TEST(Admission, RejectsWhenTheQueueIsFull) {
  EXPECT_EQ(decide_admission(2, 2, 2, 2), admission::reject);
  EXPECT_EQ(decide_admission(2, 0, 2, 0), admission::reject);
}
