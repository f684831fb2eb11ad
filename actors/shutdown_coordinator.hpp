// The shutdown coordinator. On the first signal: readiness off at once; after
// SHUTDOWN_DELAY_MS new judge requests get 503; then it waits until the supervisor has no
// submission and no inline judge (POST /v1/judge) left, at most SHUTDOWN_GRACE_MS after the
// signal, when the unfinished submissions post "service shutting down" errors and the inline
// judges answer 503;
// once that is done (or a last bound passes) it calls on_done.
#pragma once

#include <caf/fwd.hpp>

#include <functional>
#include <memory>

#include "actors/front_interface.hpp"
#include "messages/supervisor_interface.hpp"
#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/shutdown_interface.hpp"

namespace cx {

shutdown_actor spawn_shutdown_coordinator(caf::actor_system& sys, std::shared_ptr<const config> cfg, front_actor front,
                                          supervisor_actor supervisor, timers time, std::function<void()> on_done);

}  // namespace cx
