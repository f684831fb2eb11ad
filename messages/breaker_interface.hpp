// The circuit breaker's conversation: Judge0 clients ask before a call and report after it; the
// front asks whether judge routes must be refused.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/call_outcome.hpp"

namespace cx {

using breaker_actor = caf::typed_actor<caf::replies_to<allow_atom>::with<bool>,      // may a call go out?
                                       caf::replies_to<rejecting_atom>::with<bool>,  // open: refuse with 502?
                                       caf::reacts_to<record_atom, call_outcome>>;   // how a call ended

}  // namespace cx
