// The shutdown coordinator on the test coordinator, between a mock front and a mock supervisor
// that speak the real typed conversations: the test moves the clock through the delay, the wait
// and the grace deadline.
#include "actors/shutdown_coordinator.hpp"

#include <string>
#include <vector>

#include "../support/deterministic_fixture.hpp"
#include "../support/test_config.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

using supervisor_mock = supervisor_actor::extend<caf::reacts_to<release_atom>>;

class ShutdownCoordinatorTest : public DeterministicTest {
 protected:
  ShutdownCoordinatorTest() {
    cfg = test_config({{"SHUTDOWN_DELAY_MS", "1000"}, {"SHUTDOWN_GRACE_MS", "5000"}});
    front = sys.spawn([told = &front_told](front_actor::pointer) -> front_actor::behavior_type {
      return {
          [](incoming_request&) {},
          [told](drain_atom) { told->push_back("drain"); },
          [told](refuse_atom) { told->push_back("refuse"); },
      };
    });
    // Answers idle only when released: the submissions it owns are still running until then.
    supervisor = sys.spawn([this](supervisor_mock::pointer self) -> supervisor_mock::behavior_type {
      return {
          [](admit_atom, judge_request&, request_ticket&) { return judge_answer{}; },
          [](admit_atom, inline_judge_request&, request_ticket&) { return judge_answer{}; },
          [](client_gone_atom, std::uint64_t) {},
          [this](drain_atom) { ++supervisor_drained; },
          [this](abort_atom, std::string& reason) { aborts.push_back(reason); },
          [this, self](idle_atom) -> caf::result<bool> {
            idle_waiters.push_back(self->make_response_promise<bool>());
            return idle_waiters.back();
          },
          [this](release_atom) {
            for (auto& rp : idle_waiters) rp.deliver(true);
          },
      };
    });
    coordinator = spawn_shutdown_coordinator(sys, cfg, front, supervisor, timers::on_caf_clock(sys), [this] { ++done; });
    sched.run();
  }

  std::shared_ptr<const config> cfg;
  std::vector<std::string> front_told;
  std::vector<std::string> aborts;
  std::vector<caf::typed_response_promise<bool>> idle_waiters;
  int done = 0;
  int supervisor_drained = 0;
  front_actor front;
  supervisor_mock supervisor;
  shutdown_actor coordinator;
};

}  // namespace

TEST_F(ShutdownCoordinatorTest, ReadinessGoesOffAtOnceAndJudgeRequestsAreRefusedAfterTheDelay) {
  tell(coordinator, signal_atom::value);
  EXPECT_EQ(front_told, std::vector<std::string>{"drain"});
  EXPECT_EQ(supervisor_drained, 1);  // it takes nothing more from the shared stream
  advance(milliseconds(999));
  EXPECT_EQ(front_told.size(), 1u);
  advance(milliseconds(1));
  EXPECT_EQ(front_told, (std::vector<std::string>{"drain", "refuse"}));
  EXPECT_EQ(idle_waiters.size(), 1u);  // and it waits for the supervisor
  EXPECT_EQ(done, 0);
}

TEST_F(ShutdownCoordinatorTest, DoneAsSoonAsTheSupervisorHasNothingLeft) {
  tell(coordinator, signal_atom::value);
  advance(milliseconds(1000));
  tell(supervisor, release_atom::value);
  EXPECT_EQ(done, 1);
  advance(milliseconds(20000));  // the grace deadline finds the work done: no abort, no second call
  EXPECT_TRUE(aborts.empty());
  EXPECT_EQ(done, 1);
}

TEST_F(ShutdownCoordinatorTest, AtTheGraceDeadlineTheRestIsAbortedAndTheWaitIsBounded) {
  tell(coordinator, signal_atom::value);
  advance(milliseconds(4999));
  EXPECT_TRUE(aborts.empty());
  advance(milliseconds(1));
  EXPECT_EQ(aborts, std::vector<std::string>{"service shutting down"});
  advance(milliseconds(10000 - 1));  // the error results get 10 s to be delivered
  EXPECT_EQ(done, 0);
  advance(milliseconds(1));
  EXPECT_EQ(done, 1);
}

TEST_F(ShutdownCoordinatorTest, ASecondSignalChangesNothing) {
  tell(coordinator, signal_atom::value);
  tell(coordinator, signal_atom::value);
  advance(milliseconds(1000));
  EXPECT_EQ(front_told, (std::vector<std::string>{"drain", "refuse"}));
  EXPECT_EQ(idle_waiters.size(), 1u);
}
