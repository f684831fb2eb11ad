// The shared (Redis) rate limiter's conversation: a rate decision for a bucket key, and whether
// a request signature is used for the first time across the pods (key, time to live in seconds).
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "messages/atoms.hpp"
#include "messages/rate_messages.hpp"

namespace cx {

using rate_limiter_actor =
    caf::typed_actor<caf::replies_to<rate_atom, std::string>::with<rate_answer>,
                     caf::replies_to<replay_atom, std::string, std::int64_t>::with<replay_answer>>;

}  // namespace cx
