// One Judge0 client actor: owns one Judge0 submission at a time (submit, then poll until a
// terminal status or the deadline). (run_atom, judge0_job) -> judge0_outcome. It tells `pool`
// (ran_for_atom, ms) how long each finished job was seen running, for the next job's first poll.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/circuit_breaker.hpp"
#include "config/config.hpp"

namespace cx::http { class client; }

namespace cx {

caf::behavior judge0_client(caf::event_based_actor* self, std::shared_ptr<const config> cfg, http::client* client,
                            breaker_handle breaker, caf::actor_addr pool);

}  // namespace cx
