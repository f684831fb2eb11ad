#include "actors/circuit_breaker.hpp"

#include <caf/all.hpp>

#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

namespace cx {
namespace {

struct circuit_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  circuit_state() = default;
  breaker_state machine;
  static constexpr const char* name = "circuit_breaker";
};

std::int64_t to_ms(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

breaker_actor::behavior_type circuit_breaker(breaker_actor::stateful_pointer<circuit_state> self, breaker_settings cfg, steady_clock_fn clock,
                              std::shared_ptr<breaker_view> view) {
  // After every message: the view always; the metric and a log line when the mode changed.
  auto publish = [self, view](breaker_mode before) {
    view->all_clear.store(breaker_all_clear(self->state.machine), std::memory_order_release);
    auto now = self->state.machine.mode;
    if (now == before) return;
    metrics::set_breaker_state(static_cast<int>(now));
    log::write(now == breaker_mode::open ? log::level::warn : log::level::info, "circuit breaker state changed",
               {{"from", to_string(before)}, {"to", to_string(now)}});
  };
  return {
      [self, cfg, clock, publish](allow_atom) {
        auto before = self->state.machine.mode;
        bool ok = breaker_allow(self->state.machine, cfg, to_ms(clock()));
        publish(before);
        return ok;
      },
      [self, cfg, clock, publish](rejecting_atom) {
        auto before = self->state.machine.mode;
        bool rejecting = breaker_rejecting(self->state.machine, cfg, to_ms(clock()));
        publish(before);
        return rejecting;
      },
      [self, cfg, clock, publish](record_atom, call_outcome outcome) {
        auto before = self->state.machine.mode;
        breaker_record(self->state.machine, cfg, outcome, to_ms(clock()));
        publish(before);
      },
  };
}

}  // namespace

breaker_actor spawn_circuit_breaker(caf::actor_system& sys, breaker_settings settings, steady_clock_fn clock,
                                 std::shared_ptr<breaker_view> view) {
  return sys.spawn(circuit_breaker, settings, std::move(clock), std::move(view));
}

}  // namespace cx
