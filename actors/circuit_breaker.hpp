// The circuit breaker actor guarding Judge0. Judge0 clients ask (allow_atom) -> bool before a
// call and send (record_atom, bool failure) after it; the front asks (rejecting_atom) -> bool.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>

#include "actors/policy/breaker_state.hpp"

namespace cx {

using steady_clock_fn = std::function<std::chrono::steady_clock::time_point()>;

caf::actor spawn_circuit_breaker(caf::actor_system& sys, breaker_settings settings, steady_clock_fn clock);

}  // namespace cx
