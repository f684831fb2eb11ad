// The readiness actor's conversation: is the service ready, and each dependency's status as the
// JSON object /readyz shows.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "messages/atoms.hpp"

namespace cx {

using readiness_actor = caf::typed_actor<caf::replies_to<probe_atom>::with<bool, std::string>>;

}  // namespace cx
