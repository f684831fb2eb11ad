// The supervisor's conversations. The front asks it to admit a judge request and gets the
// request's answer (a judge_answer, never an HTTP type); it tells it that a /v1/judge client left,
// and the shutdown coordinator tells it the drain began (take no more shared work), aborts what is
// left at the grace deadline and waits until nothing is. The actors the
// supervisor owns speak `owner_actor`: they hand it their answer, and say once their result is in
// the Convex actor's hands, so that a crash after that posts nothing more.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/judge_answer.hpp"

namespace cx {

using supervisor_actor =
    caf::typed_actor<caf::replies_to<admit_atom, judge_request, request_ticket>::with<judge_answer>,
                     caf::replies_to<admit_atom, inline_judge_request, request_ticket>::with<judge_answer>,
                     caf::reacts_to<client_gone_atom, std::uint64_t>, caf::reacts_to<drain_atom>,
                     caf::reacts_to<abort_atom, std::string>,
                     caf::replies_to<idle_atom>::with<bool>>;

using owner_actor = supervisor_actor::extend<caf::reacts_to<answer_atom, judge_answer>>;

}  // namespace cx
