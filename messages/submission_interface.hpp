// The supervisor's conversation with each judging actor it owns: a slot is free, or stop now
// (the shutdown's grace deadline) with this reason. An inline judge also hears that its client
// is gone, so that no further testcase reaches Judge0.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "messages/atoms.hpp"

namespace cx {

using submission_actor = caf::typed_actor<caf::reacts_to<slot_atom>, caf::reacts_to<abort_atom, std::string>>;

using inline_judge_actor = submission_actor::extend<caf::reacts_to<client_gone_atom>>;

}  // namespace cx
