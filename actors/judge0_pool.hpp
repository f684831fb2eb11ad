// The Judge0 pool: JUDGE0_MAX_INFLIGHT client actors and a FIFO of waiting jobs, so no more
// than that many Judge0 submissions are ever in flight (its conversation: messages/judge0_pool_interface.hpp).
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/circuit_breaker.hpp"
#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/judge0_pool_interface.hpp"

namespace cx::http { class outbound; }

namespace cx {

judge0_pool_actor spawn_judge0_pool(caf::actor_system& sys, std::shared_ptr<const config> cfg,
                                    http::outbound& out, timers time, breaker_handle breaker);

}  // namespace cx
