// The Convex callback actor (its conversation: messages/convex_interface.hpp). Every call carries
// a timeout and, when a secret is set, the signature headers.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "messages/convex_interface.hpp"

namespace cx::http { class client; }

namespace cx {

convex_actor spawn_convex_callback(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::client& client);

// How long a result delivery can take at most: every attempt's timeout and the backoffs between.
std::chrono::milliseconds result_delivery_budget(const config& cfg);

}  // namespace cx
