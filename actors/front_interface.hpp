// The one conversation that carries an HTTP handle, so it sits above http/ (see
// actors/http_messages.hpp): the server hands the front each request with the handle that answers
// it. The shutdown coordinator tells the front to turn readiness off (drain) and then to refuse
// judge requests.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/http_messages.hpp"
#include "messages/atoms.hpp"

namespace cx {

using front_actor =
    caf::typed_actor<caf::reacts_to<incoming_request>, caf::reacts_to<drain_atom>, caf::reacts_to<refuse_atom>>;

}  // namespace cx
