// The circuit breaker through its typed interface, on the test coordinator: the test moves the
// clock that both CAF and the breaker read.
#include "actors/circuit_breaker.hpp"

#include "../support/deterministic_fixture.hpp"
#include "messages/judge0_messages.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

class CircuitBreakerTest : public DeterministicTest {
 protected:
  CircuitBreakerTest() {
    settings.failure_threshold = 3;
    settings.open_ms = 1000;
    settings.half_open_trials = 2;
    breaker = spawn_circuit_breaker(sys, settings, [this] { return now(); }, view);
  }

  bool allow() { return ask<bool>(breaker, allow_atom::value).value(); }
  bool rejecting() { return ask<bool>(breaker, rejecting_atom::value).value(); }
  void record(call_outcome o) { tell(breaker, record_atom::value, o); }
  void open_it() {
    for (int i = 0; i < settings.failure_threshold; ++i) record(call_outcome::failure);
  }

  breaker_settings settings;
  std::shared_ptr<breaker_view> view = std::make_shared<breaker_view>();
  breaker_actor breaker;
};

}  // namespace

TEST_F(CircuitBreakerTest, ClosedLetsCallsThroughAndPublishesAllClear) {
  EXPECT_TRUE(allow());
  EXPECT_FALSE(rejecting());
  EXPECT_TRUE(view->clear());
}

TEST_F(CircuitBreakerTest, OpensAtTheThresholdOfConsecutiveFailures) {
  record(call_outcome::failure);
  record(call_outcome::failure);
  EXPECT_FALSE(view->clear());  // a failure counted: callers must ask again
  EXPECT_FALSE(rejecting());
  record(call_outcome::failure);
  EXPECT_TRUE(rejecting());
  EXPECT_FALSE(allow());
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheStreakAndANeutralAnswerDoesNot) {
  record(call_outcome::failure);
  record(call_outcome::failure);
  record(call_outcome::success);
  record(call_outcome::failure);
  record(call_outcome::failure);
  EXPECT_FALSE(rejecting());
  record(call_outcome::neutral);  // 503 "queue is full" or a 4xx: Judge0 is not at fault, nor healed
  record(call_outcome::failure);
  EXPECT_TRUE(rejecting());
}

TEST_F(CircuitBreakerTest, AfterTheOpenTimeItLetsTwoTrialsThroughAndASuccessCloses) {
  open_it();
  advance(milliseconds(999));
  EXPECT_TRUE(rejecting());
  advance(milliseconds(1));
  EXPECT_FALSE(rejecting());
  EXPECT_TRUE(allow());
  EXPECT_TRUE(allow());
  EXPECT_FALSE(allow());  // both trial slots are taken
  record(call_outcome::success);
  EXPECT_TRUE(allow());
  EXPECT_FALSE(rejecting());
}

TEST_F(CircuitBreakerTest, AFailedTrialReopensForAnotherFullOpenTime) {
  open_it();
  advance(milliseconds(1000));
  EXPECT_TRUE(allow());
  record(call_outcome::failure);
  EXPECT_TRUE(rejecting());
  advance(milliseconds(999));
  EXPECT_TRUE(rejecting());
  advance(milliseconds(1));
  EXPECT_FALSE(rejecting());
}

TEST_F(CircuitBreakerTest, ANeutralTrialOnlyFreesItsSlot) {
  open_it();
  advance(milliseconds(1000));
  EXPECT_TRUE(allow());
  EXPECT_TRUE(allow());
  record(call_outcome::neutral);
  EXPECT_TRUE(allow());    // the freed slot
  EXPECT_FALSE(allow());
  EXPECT_FALSE(view->clear());
}
