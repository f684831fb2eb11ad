// The submission store (SUBMISSION_STORE=redis): the shared Redis stream behind the supervisor
// (messages/store_interface.hpp). It journals accepted submissions, serves entries to run (peers'
// expired ones first when a sweep is due, then new ones), holds an entry back until its
// acceptance is confirmed, renews the lease of everything this pod holds, retries removals until
// Redis takes them, and on drain gives everything it holds back to the group.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/timers.hpp"
#include "config/config.hpp"
#include "messages/store_interface.hpp"

namespace cx::redis {
class commands;
}

namespace cx {

// Each Redis command's timeout (the connection's), which bounds the store's answers.
inline constexpr std::chrono::milliseconds kStoreCommandTimeout{1000};
// How long a take may wait for entries: a blocking read, a sweep and a marks check.
inline constexpr std::chrono::milliseconds kTakeTimeout{10000};

// `commands` and `reader` (the blocking reads' own connection) must outlive the actor.
store_actor spawn_submission_store(caf::actor_system& sys, std::shared_ptr<const config> cfg,
                                   redis::commands& commands, redis::commands& reader, std::string consumer,
                                   timers time);

// How long a peer holds back an entry whose acceptance is not confirmed: the accepting pod's
// journal and mark-running calls, each bounded, cannot still be going on after this.
std::chrono::milliseconds mark_running_bound(const config& cfg);

}  // namespace cx
