#include "actors/shutdown_coordinator.hpp"

#include <caf/all.hpp>

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

using coordinator_actor = caf::stateful_actor<coordinator_state>;

std::int64_t since_ms(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t).count();
}

// After the grace deadline the error results still need delivering; this bounds that wait.
constexpr auto kFinalDeliveryBound = std::chrono::seconds(10);

caf::behavior shutdown_coordinator(coordinator_actor* self, std::shared_ptr<const config> cfg, caf::actor front,
                                   caf::actor supervisor, std::function<void()> on_done) {
  auto finish = [self, on_done](const char* why) {
    if (self->state.done) return;
    self->state.done = true;
    log::info("shutdown complete", {{"reason", why}, {"elapsed_ms", since_ms(self->state.signalled)}});
    on_done();
  };
  return {
      [self, cfg, front](signal_atom) {
        if (self->state.started) return;
        self->state.started = true;
        self->state.signalled = steady::now();
        log::info("shutdown requested: readiness off",
                  {{"delay_ms", cfg->shutdown_delay.count()}, {"grace_ms", cfg->shutdown_grace.count()}});
        self->send(front, drain_atom::value);
        self->delayed_send(self, cfg->shutdown_delay, refuse_atom::value);
        self->delayed_send(self, std::max(cfg->shutdown_grace, cfg->shutdown_delay), grace_atom::value);
      },
      [self, front, supervisor, finish](refuse_atom) {
        log::info("shutdown: refusing new judge requests, waiting for submissions");
        self->send(front, refuse_atom::value);
        // The supervisor owns every submission and inline judge: idle means nothing is left.
        self->request(supervisor, caf::infinite, idle_atom::value)
            .then([finish](bool) { finish("all submissions finished"); },
                  [finish](caf::error&) { finish("supervisor gone"); });
      },
      [self, supervisor](grace_atom) {
        if (self->state.done || self->state.aborted) return;
        self->state.aborted = true;
        log::warn("shutdown grace period over: posting errors for unfinished submissions");
        self->send(supervisor, abort_atom::value, std::string("service shutting down"));
        self->delayed_send(self, kFinalDeliveryBound, final_atom::value);
      },
      [finish](final_atom) { finish("final delivery bound reached"); },
  };
}

}  // namespace

caf::actor spawn_shutdown_coordinator(caf::actor_system& sys, std::shared_ptr<const config> cfg, caf::actor front,
                                      caf::actor supervisor, std::function<void()> on_done) {
  return sys.spawn(shutdown_coordinator, std::move(cfg), std::move(front), std::move(supervisor), std::move(on_done));
}

}  // namespace cx
