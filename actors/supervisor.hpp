// The supervisor: admission control (active slots, a FIFO queue bounded by count and bytes) and
// one monitored actor per admitted request, a submission or an inline judge (its conversation:
// actors/front_interface.hpp). On abort, submissions post an error result and inline judges
// answer 503. Each answers its HTTP request itself (503 when full). A submission actor that dies abnormally
// after its 202 gets an "error" result posted on its behalf.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/front_interface.hpp"
#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/convex_interface.hpp"
#include "messages/judge0_pool_interface.hpp"

namespace cx {

supervisor_actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const config> cfg, convex_actor convex,
                            judge0_pool_actor pool, timers time);

}  // namespace cx
