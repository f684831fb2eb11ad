// Actors on CAF's test_coordinator: every message runs on the test's thread when the test says so,
// and time is the coordinator's clock, which only the test moves. No sockets, no sleeps.
#pragma once

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

namespace cx::testing {

struct deterministic_config : caf::actor_system_config {
  deterministic_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

class DeterministicTest : public ::testing::Test {
 protected:
  // A pending timer holds its actor alive, and the actor system waits for every actor at exit.
  ~DeterministicTest() override {
    sched.clock().cancel_all();
    sched.run();
  }

  // The one clock: CAF's timers and the clock handed to the actor under test.
  std::chrono::steady_clock::time_point now() { return sched.clock().now(); }
  void advance(std::chrono::milliseconds d) {
    sched.clock().advance_time(d);
    sched.run();
  }

  // Sends a request from a throwaway actor and runs everything; the slot fills when the answer
  // comes, now or once the test has moved things on (empty while the actor under test holds it).
  template <class Answer, class Handle, class... Ts>
  std::shared_ptr<std::optional<Answer>> ask_later(const Handle& dest, Ts... xs) {
    auto got = std::make_shared<std::optional<Answer>>();
    sys.spawn([got, dest, xs...](caf::event_based_actor* self) {
      self->request(dest, std::chrono::seconds(3600), xs...).then([got](Answer a) { *got = std::move(a); });
    });
    sched.run();
    return got;
  }

  // The answer that came at once (nullopt when none did: the actor under test held or dropped it).
  template <class Answer, class Handle, class... Ts>
  std::optional<Answer> ask(const Handle& dest, Ts... xs) {
    return *ask_later<Answer>(dest, xs...);
  }

  template <class Handle, class... Ts>
  void tell(const Handle& dest, Ts... xs) {
    caf::anon_send(dest, xs...);
    sched.run();
  }

  deterministic_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
};

}  // namespace cx::testing
