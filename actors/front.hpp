// The HTTP front actor: every request arrives here as an incoming_request. It routes, then for
// the judge routes applies, in the contract's order: auth (key, signature, replay), rate limit,
// body cap, content type, validation, draining, breaker, and hands the request to the supervisor.
// Drained, /readyz answers 503; refusing, new judge requests get 503 (actors/front_interface.hpp).
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/circuit_breaker.hpp"
#include "actors/front_interface.hpp"
#include "actors/timers.hpp"
#include "messages/supervisor_interface.hpp"
#include "config/config.hpp"
#include "messages/rate_limiter_interface.hpp"
#include "messages/readiness_interface.hpp"

namespace cx {

struct front_deps {
  breaker_handle breaker;
  supervisor_actor supervisor;
  readiness_actor readiness;
  rate_limiter_actor redis_limiter;  // null with the memory backend
  timers time;
};

front_actor spawn_front(caf::actor_system& sys, std::shared_ptr<const config> cfg, front_deps deps);

}  // namespace cx
