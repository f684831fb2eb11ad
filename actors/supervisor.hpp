// The supervisor: admission control (active slots, a FIFO queue bounded by count and bytes) and
// one monitored actor per admitted request, a submission or an inline judge
// (messages/supervisor_interface.hpp). It keeps each request's answer promise: the actor it
// spawned hands it the answer, and one that dies without answering is answered 500. On abort,
// submissions post an error result and inline judges answer 503. A submission actor that dies
// abnormally after its 202, before its result was handed over, gets an "error" result posted.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/convex_interface.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/store_interface.hpp"
#include "messages/supervisor_interface.hpp"

namespace cx {

// With a `store` (SUBMISSION_STORE=redis), /v1/judge-question submissions are journaled on the
// shared stream before they are marked running, and this pod runs what the stream hands it as
// its slots free up; at the grace deadline it gives them back to peers.
supervisor_actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const config> cfg, convex_actor convex,
                                  judge0_pool_actor pool, timers time, store_actor store = {});

}  // namespace cx
