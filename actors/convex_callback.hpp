// The Convex callback actor. Requests:
//   (running_atom, submission_kind, std::string submission_id) -> convex_answer   one attempt
//   (fetch_atom, submission_kind, std::string question_id)     -> convex_answer   retried on transient errors
//   (result_atom, submission_kind, submission_result)          -> bool delivered  retried with backoff
// Every call carries a timeout and, when a secret is set, the signature headers.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>

#include "config/config.hpp"

namespace cx::http { class client; }

namespace cx {

caf::actor spawn_convex_callback(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::client& client);

// How long a result delivery can take at most: every attempt's timeout and the backoffs between.
std::chrono::milliseconds result_delivery_budget(const config& cfg);

}  // namespace cx
