// The shutdown coordinator's conversation: the process got SIGTERM (or SIGINT) once.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace cx {

using shutdown_actor = caf::typed_actor<caf::reacts_to<signal_atom>>;

}  // namespace cx
