// One Judge0 client actor: owns one Judge0 submission at a time (create it, then learn its end
// from Judge0's callback or a poll, until a terminal status or the deadline), spoken to only by
// its pool. It tells the pool how long each finished job was seen running, for the next job's
// first poll.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/circuit_breaker.hpp"
#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/judge0_pool_interface.hpp"

namespace cx::http { class outbound; }

namespace cx {

// Spawned linked to `pool`, which fails the job of a client that dies and replaces it.
judge0_client_actor spawn_judge0_client(caf::local_actor* pool, std::shared_ptr<const config> cfg, http::outbound& out,
                                        timers time, breaker_handle breaker);

}  // namespace cx
