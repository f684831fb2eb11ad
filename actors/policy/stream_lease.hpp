// The rules of the shared submission stream (a Redis Streams consumer group): how often a pod
// renews the claims on what it runs, when a peer may take an entry over, what a delivery of an
// entry means (run it, or post a terminal error), when the shared backlog is full, and the
// consumer name a pod reads as. Pure: every clock reading is a parameter.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cx {

struct lease_policy {
  std::chrono::milliseconds lease{30000};  // SUBMISSION_LEASE_MS
  int max_attempts = 3;                    // SUBMISSION_MAX_ATTEMPTS
};

// A third of the lease (at least 1 ms): two renewals in a row may be late or lost before a peer
// can take the entry over.
std::chrono::milliseconds claim_refresh_interval(const lease_policy& p);
bool claim_refresh_due(std::chrono::steady_clock::time_point last_renewed, std::chrono::steady_clock::time_point now,
                       const lease_policy& p);

// A peer takes over an entry that has been idle (as Redis counts idle time) for longer than the
// lease. Redis's XAUTOCLAIM takes entries idle for at least its min-idle-time, hence lease + 1 ms.
std::chrono::milliseconds takeover_min_idle(const lease_policy& p);
bool claimable_by_peer(std::chrono::milliseconds idle, const lease_policy& p);

// How often a pod looks for entries to take over: a third of the lease, at most a second, so
// that an entry released on drain waits at most that long for a peer.
std::chrono::milliseconds takeover_sweep_interval(const lease_policy& p);

// An entry whose duplicate mark still says "journaled": its accepting pod is marking it running,
// or died doing so. A reader holds it until the mark says "ready", or until that mark-running
// cannot be going on any more (`mark_running_bound` after the acceptance): then it runs it anyway.
bool unconfirmed_run_due(std::chrono::system_clock::time_point accepted_at, std::chrono::system_clock::time_point now,
                         std::chrono::milliseconds mark_running_bound);

// Released on drain: the idle time to give an entry (XCLAIM ... IDLE) so that it is claimable by
// a peer at once, and the delivery count to give it (RETRYCOUNT) so that the peer's claim, which
// counts one delivery, does not spend an attempt on a hand-over.
std::chrono::milliseconds release_idle(const lease_policy& p);
std::int64_t release_retry_count(std::int64_t deliveries);

// What to do with an entry delivered for the `deliveries`-th time (Redis's delivery counter: 1
// for the first read). More deliveries than attempts means pods died running it (a poison
// submission must not take every pod down in turn); that is checked first because it says more
// than the deadline does. The deadline is wall-clock time from the original acceptance, so that
// every pod measures it the same way.
enum class delivery_action { run, deadline_passed, abandon };
delivery_action decide_delivery(std::int64_t deliveries, std::chrono::system_clock::time_point deadline,
                                std::chrono::system_clock::time_point now, const lease_policy& p);
// The terminal error of `abandon` (attempts = max_attempts, the runs that were made).
std::string abandoned_message(int attempts);
// What is left of the deadline for the run, as a duration to start a steady-clock timer with.
std::chrono::milliseconds remaining_runtime(std::chrono::system_clock::time_point deadline,
                                            std::chrono::system_clock::time_point now);

// How long a submission's duplicate mark lives in Redis. It goes with its entry, so this only
// bounds a mark whose entry was lost; it outlasts every way the entry can still be in flight:
// the deadline, then up to max_attempts deliveries that each may wait out a lease and deliver
// a result (the deadline error).
std::chrono::milliseconds duplicate_mark_ttl(const lease_policy& p, std::chrono::milliseconds max_runtime,
                                             std::chrono::milliseconds result_delivery);

// Entries waiting for a pod: in the stream but not held by any consumer. Entries are deleted
// when acknowledged, so that is the stream's length minus the group's pending count.
std::int64_t shared_backlog(std::int64_t stream_length, std::int64_t pending);
bool backlog_full(std::int64_t backlog, int max_queued);
// How many entries a pod asks for: its free slots, never less than 0.
int read_count(int active, int max_active);

// The pod's consumer name in the group: POD_NAME when given, else host-pid. Only [A-Za-z0-9._-]
// survive (others become '_') and at most kMaxConsumerNameBytes, keeping the pid, so that the
// name is safe in logs and stable across restarts of the same pod.
inline constexpr std::size_t kMaxConsumerNameBytes = 64;
std::string consumer_name(std::string_view pod_name, std::string_view host, std::int64_t pid);

}  // namespace cx
