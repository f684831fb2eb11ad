#include "actors/shutdown_coordinator.hpp"

#include <caf/all.hpp>

#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "messages/atoms.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;
using final_atom = caf::atom_constant<caf::atom("final")>;

struct coordinator_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  coordinator_state() = default;
  bool started = false;
  bool done = false;
  bool aborted = false;
  steady::time_point signalled;
  static constexpr const char* name = "shutdown_coordinator";
};

// The conversation plus its own timers.
using coordinator_impl = shutdown_actor::extend<caf::reacts_to<refuse_atom>, caf::reacts_to<grace_atom>,
                                                caf::reacts_to<final_atom>>;
using coordinator_self = coordinator_impl::stateful_pointer<coordinator_state>;

// After the grace deadline the error results still need delivering; this bounds that wait.
constexpr auto kFinalDeliveryBound = std::chrono::seconds(10);

coordinator_impl::behavior_type shutdown_coordinator(coordinator_self self, std::shared_ptr<const config> cfg,
                                                    front_actor front, supervisor_actor supervisor,
                                                    timers time, std::function<void()> on_done) {
  auto finish = [self, on_done, time](const char* why) {
    if (self->state.done) return;
    self->state.done = true;
    log::info("shutdown complete", {{"reason", why}, {"elapsed_ms", time.ms_since(self->state.signalled)}});
    on_done();
  };
  return {
      [self, cfg, front, supervisor, time](signal_atom) {
        if (self->state.started) return;
        self->state.started = true;
        self->state.signalled = time.now();
        log::info("shutdown requested: readiness off",
                  {{"delay_ms", cfg->shutdown_delay.count()}, {"grace_ms", cfg->shutdown_grace.count()}});
        self->send(front, drain_atom::value);
        self->send(supervisor, drain_atom::value);  // no more work from the shared stream
        time.send_later(self, cfg->shutdown_delay, refuse_atom::value);
        time.send_later(self, std::max(cfg->shutdown_grace, cfg->shutdown_delay), grace_atom::value);
      },
      [self, cfg, front, supervisor, time, finish](refuse_atom) {
        log::info("shutdown: refusing new judge requests, waiting for submissions");
        self->send(front, refuse_atom::value);
        // The supervisor owns every submission and inline judge: idle means nothing is left.
        // Bounded by the grace period and the final delivery bound, whose timers end it sooner.
        auto bound = std::max(cfg->shutdown_grace, cfg->shutdown_delay) + kFinalDeliveryBound;
        time.request(self, supervisor, reply_timeout(bound), idle_atom::value)
            .then([finish](bool) { finish("all submissions finished"); },
                  [finish](caf::error&) { finish("supervisor gone"); });
      },
      [self, supervisor, time](grace_atom) {
        if (self->state.done || self->state.aborted) return;
        self->state.aborted = true;
        log::warn("shutdown grace period over: posting errors for unfinished submissions");
        self->send(supervisor, abort_atom::value, std::string("service shutting down"));
        time.send_later(self, kFinalDeliveryBound, final_atom::value);
      },
      [finish](final_atom) { finish("final delivery bound reached"); },
  };
}

}  // namespace

shutdown_actor spawn_shutdown_coordinator(caf::actor_system& sys, std::shared_ptr<const config> cfg, front_actor front,
                                          supervisor_actor supervisor, timers time, std::function<void()> on_done) {
  return sys.spawn(shutdown_coordinator, std::move(cfg), std::move(front), std::move(supervisor), time,
                   std::move(on_done));
}

}  // namespace cx
