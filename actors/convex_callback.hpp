// The Convex callback actor (its conversation: messages/convex_interface.hpp). Every call carries
// a timeout and, when a secret is set, the signature headers.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/convex_interface.hpp"

namespace cx::http { class outbound; }

namespace cx {

convex_actor spawn_convex_callback(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::outbound& out,
                                   timers time);

// How long a result delivery can take at most: every attempt's timeout and the backoffs between.
std::chrono::milliseconds result_delivery_budget(const config& cfg);

}  // namespace cx
