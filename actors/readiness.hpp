// The readiness actor: probes Judge0 (GET /languages, 2xx) and Convex (health path, < 500)
// with READINESS_TIMEOUT_MS, caches the answer for READINESS_CACHE_MS and coalesces callers
// (its conversation: messages/readiness_interface.hpp).
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/readiness_interface.hpp"
#include "messages/store_interface.hpp"

namespace cx::http { class outbound; }

namespace cx {

// With a `store` (SUBMISSION_STORE=redis), /readyz also needs the submission store to answer.
readiness_actor spawn_readiness(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::outbound& out,
                                timers time, store_actor store = {});

}  // namespace cx
