// The submission store's conversation (SUBMISSION_STORE=redis): the supervisor journals each
// submission before marking it running, says when Convex knows it runs, takes entries to run as
// its slots free up (from any pod's acceptance), forgets each once its result is delivered, and
// on drain hands back what it could not finish. The store keeps the leases of what it handed out.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "messages/atoms.hpp"
#include "messages/stream_entry.hpp"

namespace cx {

struct journal_answer {
  enum class kind { journaled, duplicate, full, unavailable };
  kind what = kind::unavailable;
  std::string id;  // journaled: the entry's id
};

// Entries to run: each new to this pod, or taken over from a peer whose lease ran out.
struct taken_entries {
  std::vector<stream_delivery> entries;
};

using store_actor = caf::typed_actor<
    caf::replies_to<journal_atom, stream_entry>::with<journal_answer>,
    caf::reacts_to<ready_atom, std::string>,               // submission id: marked running
    caf::reacts_to<remove_atom, std::string, std::string>,  // entry id, submission id: done with it
    caf::replies_to<take_atom, int>::with<taken_entries>,   // at most this many; none after a while
    caf::reacts_to<drain_atom>,                             // take nothing more
    caf::replies_to<release_atom>::with<bool>,              // all it holds: true once peers may claim them
    caf::replies_to<probe_atom>::with<bool, std::string>>;  // /readyz: reachable, and its JSON

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::stream_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::journal_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::taken_entries)
