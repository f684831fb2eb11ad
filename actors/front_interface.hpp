// The conversations that still carry HTTP handles, so they sit above http/ (see
// actors/http_messages.hpp): the server hands the front each request, and the front hands the
// supervisor each judge request with the handle that answers it. The shutdown coordinator tells
// the front to turn readiness off (drain) and then to refuse judge requests.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <string>

#include "actors/http_messages.hpp"
#include "messages/atoms.hpp"
#include "messages/judging.hpp"
#include "messages/wire_json.hpp"

namespace cx {

using front_actor =
    caf::typed_actor<caf::reacts_to<incoming_request>, caf::reacts_to<drain_atom>, caf::reacts_to<refuse_atom>>;

// Admission of POST /v1/judge-question and POST /v1/judge (request, request id, arrival,
// reply handle); an abort at the grace deadline; and "tell me once nothing is left".
using supervisor_actor = caf::typed_actor<
    caf::reacts_to<admit_atom, judge_request, std::string, std::chrono::steady_clock::time_point, http::responder_ptr>,
    caf::reacts_to<admit_atom, inline_judge_request, std::string, std::chrono::steady_clock::time_point,
                   http::responder_ptr>,
    caf::reacts_to<abort_atom, std::string>, caf::replies_to<idle_atom>::with<bool>>;

}  // namespace cx
