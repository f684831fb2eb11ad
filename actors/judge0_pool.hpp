// The Judge0 pool: JUDGE0_MAX_INFLIGHT client actors and a FIFO of waiting jobs, so no more
// than that many Judge0 submissions are ever in flight. (run_atom, judge0_job) -> judge0_outcome.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/circuit_breaker.hpp"
#include "config/config.hpp"

namespace cx::http { class client; }

namespace cx {

caf::actor spawn_judge0_pool(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::client& client,
                             breaker_handle breaker);

}  // namespace cx
