// The Convex callback actor's conversation: mark running (one attempt), fetch the testcases
// (retried on transient errors), post the result (retried with backoff; true once delivered).
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"

namespace cx {

using convex_actor =
    caf::typed_actor<caf::replies_to<running_atom, submission_kind, std::string>::with<convex_answer>,
                     caf::replies_to<fetch_atom, submission_kind, std::string>::with<convex_answer>,
                     caf::replies_to<result_atom, submission_kind, submission_result>::with<bool>>;

}  // namespace cx
