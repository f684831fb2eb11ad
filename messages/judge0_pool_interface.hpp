// The Judge0 pool's conversation: run one testcase; Judge0's callback PUTs; and what each
// finished job tells the pool about how long jobs run.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

namespace cx {

using judge0_pool_actor = caf::typed_actor<caf::replies_to<run_atom, judge0_job>::with<judge0_outcome>,
                                           caf::reacts_to<judge0_callback>,
                                           caf::reacts_to<ran_for_atom, std::int64_t>>;

// The pool's conversation with each of its clients: one job at a time, and the callback PUTs
// addressed to it (callback key, body).
using judge0_client_actor = caf::typed_actor<caf::replies_to<run_atom, judge0_job>::with<judge0_outcome>,
                                             caf::reacts_to<callback_atom, std::string, std::string>>;

}  // namespace cx
