// Every atom the actors speak, in one place so names stay unique (CAF 0.17: at most 10 chars).
#pragma once

#include <caf/atom.hpp>

namespace cx {

// outbound HTTP
using http_done_atom = caf::atom_constant<caf::atom("httpdone")>;
// circuit breaker
using allow_atom = caf::atom_constant<caf::atom("allow")>;
using rejecting_atom = caf::atom_constant<caf::atom("rejecting")>;
using record_atom = caf::atom_constant<caf::atom("record")>;
// judge0
using run_atom = caf::atom_constant<caf::atom("run")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using submit_atom = caf::atom_constant<caf::atom("submit")>;
using ran_for_atom = caf::atom_constant<caf::atom("ranfor")>;
using callback_atom = caf::atom_constant<caf::atom("j0callbk")>;
// convex
using running_atom = caf::atom_constant<caf::atom("running")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using result_atom = caf::atom_constant<caf::atom("result")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
// submissions and lifecycle
using admit_atom = caf::atom_constant<caf::atom("admit")>;
using slot_atom = caf::atom_constant<caf::atom("slot")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using answer_atom = caf::atom_constant<caf::atom("answer")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>;
using client_gone_atom = caf::atom_constant<caf::atom("gone")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using refuse_atom = caf::atom_constant<caf::atom("refuse")>;
using signal_atom = caf::atom_constant<caf::atom("signal")>;
using grace_atom = caf::atom_constant<caf::atom("grace")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using rate_atom = caf::atom_constant<caf::atom("rate")>;
using replay_atom = caf::atom_constant<caf::atom("replay")>;
// submission store (SUBMISSION_STORE=redis)
using journal_atom = caf::atom_constant<caf::atom("journal")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using remove_atom = caf::atom_constant<caf::atom("remove")>;
using take_atom = caf::atom_constant<caf::atom("take")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using redis_done_atom = caf::atom_constant<caf::atom("redisdone")>;

}  // namespace cx
