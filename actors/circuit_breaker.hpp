// The circuit breaker actor guarding Judge0. Judge0 clients ask (allow_atom) -> bool before a
// call and send (record_atom, call_outcome) after it; the front asks (rejecting_atom) -> bool.
// The actor alone changes the state. After every message it publishes whether it is all clear
// (breaker_all_clear); while it is, callers skip allow, rejecting and records other than failures.
// A caller may act on a view that is a message behind: a call or two more goes out as the
// breaker opens, and a success that raced a failure does not reset the failure count.
#pragma once

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "actors/policy/breaker_state.hpp"
#include "messages/breaker_interface.hpp"

namespace cx {

using steady_clock_fn = std::function<std::chrono::steady_clock::time_point()>;

struct breaker_view {
  std::atomic<bool> all_clear{true};
  bool clear() const { return all_clear.load(std::memory_order_acquire); }
};

// What the breaker's users hold: the actor, and its published view.
struct breaker_handle {
  breaker_actor actor;
  std::shared_ptr<const breaker_view> view;
};

breaker_actor spawn_circuit_breaker(caf::actor_system& sys, breaker_settings settings, steady_clock_fn clock,
                                 std::shared_ptr<breaker_view> view);

}  // namespace cx
