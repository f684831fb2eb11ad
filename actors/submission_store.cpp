#include "actors/submission_store.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/convex_callback.hpp"
#include "actors/policy/stream_lease.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/stream_store.hpp"

namespace cx {
namespace {

// A stream command's completion, carried from the io thread into the actor.
struct store_step {
  std::function<void()> run;
};

}  // namespace
}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::store_step)

namespace cx {
namespace {

using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;
using std::chrono::milliseconds;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using serve_atom = caf::atom_constant<caf::atom("serve")>;

constexpr milliseconds kBlock{1000};        // a read's wait for a new entry
constexpr milliseconds kRecheck{50};        // how often an unconfirmed entry's mark is read again
constexpr milliseconds kBackoff{1000};      // after Redis failed a read: no loop against it
constexpr std::size_t kMaxRemovals = 100000;  // removals waiting for Redis to come back

struct held_entry {
  std::string submission_id;
  std::int64_t deliveries = 1;
};

struct unconfirmed_entry {
  stream_delivery d;
  wall::time_point accepted_at;
};

struct store_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  store_state() = default;
  std::shared_ptr<const config> cfg;
  std::unique_ptr<redis::stream_store> stream;
  std::string consumer;
  lease_policy policy;
  timers time;
  bool group_ready = false;
  bool healthy = true;  // so that an outage is logged once, not per command
  bool draining = false;
  std::int64_t backlog = 0;
  std::unordered_map<std::string, held_entry> held;  // every entry of ours the group has pending
  std::deque<stream_delivery> ready;                 // confirmed, not handed out yet
  std::vector<unconfirmed_entry> unconfirmed;        // mark still "journaled"
  std::vector<std::pair<std::string, std::string>> removals;  // entry id, submission id: to retry
  std::optional<caf::typed_response_promise<taken_entries>> taker;
  int wanted = 0;
  bool busy = false;  // a read, a sweep or a marks check is in flight
  steady::time_point last_refresh, last_sweep, last_check, retry_at;
  std::string cursor = "0-0";
  static constexpr const char* name = "submission_store";
};

using store_impl = store_actor::extend<caf::reacts_to<redis_done_atom, store_step>, caf::reacts_to<tick_atom>,
                                       caf::reacts_to<serve_atom>>;
using store_self = store_impl::stateful_pointer<store_state>;

// The io thread's completion `k(result)`, run inside the actor.
template <class R>
std::function<void(R)> back_here(store_self self, std::function<void(R&)> k) {
  return [me = caf::actor_cast<store_impl>(self), k = std::move(k)](R r) mutable {
    caf::anon_send(me, redis_done_atom::value, store_step{[k = std::move(k), r = std::move(r)]() mutable { k(r); }});
  };
}

// Counts a failed command and logs an outage once, and its end; true when Redis carried it out.
bool note(store_self self, const char* op, const std::string& error) {
  auto& st = self->state;
  if (!error.empty()) {
    metrics::count_store_error(op);
    // A Redis that lost its data (restarted without persistence) has no group: make it again.
    if (error.find("NOGROUP") != std::string::npos) st.group_ready = false;
    if (st.healthy) log::error("submission store unavailable", {{"op", op}, {"error", error}});
    st.healthy = false;
    return false;
  }
  if (!st.healthy) log::info("submission store recovered", {{"op", op}});
  st.healthy = true;
  return true;
}

const std::string& submission_of(const stream_delivery& d) { return std::get<stream_entry>(d.entry).submission_id; }

void serve(store_self self);

void remove_entry(store_self self, std::string id, std::string submission_id) {
  self->state.stream->remove(id, submission_id,
                             back_here<std::string>(self, [self, id, submission_id](std::string& e) {
                               auto& st = self->state;
                               if (note(self, "remove", e)) return (void)st.held.erase(id);
                               // Kept in `held`, so its lease is renewed until the removal gets through.
                               if (st.removals.size() >= kMaxRemovals) {
                                 log::error("removal dropped: too many waiting", {{"entry_id", st.removals.front().first}});
                                 st.removals.erase(st.removals.begin());
                               }
                               st.removals.emplace_back(id, submission_id);
                             }));
}

void release(store_self self, std::vector<std::string> ids, std::function<void(bool)> done) {
  auto& st = self->state;
  std::vector<std::pair<std::string, std::int64_t>> id_counts;
  for (auto& id : ids)
    if (auto it = st.held.find(id); it != st.held.end())
      id_counts.emplace_back(std::move(id), release_retry_count(it->second.deliveries));
  st.stream->release(st.consumer, id_counts, release_idle(st.policy),
                     back_here<redis::ids_result>(self, [self, done](redis::ids_result& r) {
                       if (!note(self, "release", r.error)) return done(false);
                       for (const auto& id : r.ids) {
                         self->state.held.erase(id);
                         metrics::count_store_handoff("released");
                       }
                       if (!r.ids.empty()) log::info("submissions released to peers", {{"count", r.ids.size()}});
                       done(true);
                     }));
}

void hand_out(store_self self) {
  auto& st = self->state;
  taken_entries out;
  if (st.draining) {
    // Read just before the drain began: a peer runs them sooner than our grace deadline would.
    std::vector<std::string> ids;
    for (auto& d : st.ready) ids.push_back(d.id);
    st.ready.clear();
    if (!ids.empty()) release(self, std::move(ids), [](bool) {});
  }
  while (!st.ready.empty() && static_cast<int>(out.entries.size()) < st.wanted) {
    out.entries.push_back(std::move(st.ready.front()));
    st.ready.pop_front();
  }
  auto rp = std::move(*st.taker);
  st.taker.reset();
  rp.deliver(std::move(out));
}

void back_off(store_self self) {
  self->state.retry_at = self->state.time.now() + kBackoff;
  self->state.time.send_later(self, kBackoff, serve_atom::value);
}

// New deliveries: an unusable entry is removed at once; the others wait for their mark.
void admit(store_self self, std::vector<stream_delivery>& entries, bool taken_over) {
  auto& st = self->state;
  for (auto& d : entries) {
    if (auto* why = std::get_if<std::string>(&d.entry)) {
      log::error("unusable stream entry removed", {{"entry_id", d.id}, {"error", *why}});
      st.held[d.id] = {};
      remove_entry(self, d.id, "");
      continue;
    }
    const auto& e = std::get<stream_entry>(d.entry);
    st.held[d.id] = {e.submission_id, d.deliveries};
    if (taken_over) {
      metrics::count_store_handoff("taken_over");
      log::info("submission taken over",
                {{"submission_id", e.submission_id}, {"request_id", e.request_id}, {"deliveries", d.deliveries}});
    }
    auto accepted = wall::time_point(milliseconds(e.accepted_at_ms));
    st.unconfirmed.push_back({std::move(d), accepted});
  }
  if (!entries.empty()) st.last_check = {};  // read their marks now
}

void check_marks(store_self self) {
  auto& st = self->state;
  st.busy = true;
  st.last_check = st.time.now();
  auto batch = std::make_shared<std::vector<unconfirmed_entry>>(std::move(st.unconfirmed));
  st.unconfirmed.clear();
  std::vector<std::string> ids;
  for (const auto& u : *batch) ids.push_back(submission_of(u.d));
  st.stream->marks(ids, back_here<redis::marks_result>(self, [self, batch](redis::marks_result& r) {
    auto& st = self->state;
    st.busy = false;
    if (!note(self, "marks", r.error)) {
      for (auto& u : *batch) st.unconfirmed.push_back(std::move(u));
      back_off(self);
      return;
    }
    const auto bound = mark_running_bound(*st.cfg);
    for (std::size_t i = 0; i < batch->size(); ++i) {
      auto& u = (*batch)[i];
      if (r.states[i] == redis::mark_state::gone) {
        // Its acceptance was withdrawn (mark-running failed), or it is done already.
        log::info("stream entry dropped: no longer journaled", {{"submission_id", submission_of(u.d)}});
        remove_entry(self, u.d.id, submission_of(u.d));
      } else if (r.states[i] == redis::mark_state::ready ||
                 unconfirmed_run_due(u.accepted_at, st.time.wall_now(), bound)) {
        st.ready.push_back(std::move(u.d));
      } else {
        st.unconfirmed.push_back(std::move(u));
      }
    }
    serve(self);
  }));
}

void sweep(store_self self) {
  auto& st = self->state;
  st.busy = true;
  st.last_sweep = st.time.now();
  st.stream->take_over(st.consumer, takeover_min_idle(st.policy), st.wanted, st.cursor,
                       back_here<redis::deliveries_result>(self, [self](redis::deliveries_result& r) {
                         auto& st = self->state;
                         st.busy = false;
                         if (!note(self, "take_over", r.error)) return back_off(self);
                         st.cursor = r.cursor;
                         // More expired entries than free slots: they go first at the next take,
                         // before newer entries, so a dead pod's work does not wait behind the queue.
                         if (r.cursor != "0-0") st.last_sweep = {};
                         admit(self, r.entries, true);
                         serve(self);
                       }));
}

void read(store_self self) {
  auto& st = self->state;
  st.busy = true;
  auto block = st.unconfirmed.empty() ? kBlock : kRecheck;
  st.stream->read(st.consumer, st.wanted, block,
                  back_here<redis::deliveries_result>(self, [self](redis::deliveries_result& r) {
                    auto& st = self->state;
                    st.busy = false;
                    if (!note(self, "read", r.error)) return back_off(self);
                    admit(self, r.entries, false);
                    if (st.ready.empty() && st.unconfirmed.empty()) {
                      if (st.taker) hand_out(self);  // nothing new: the supervisor asks again
                      return;
                    }
                    serve(self);
                  }));
}

// One step towards answering the pending take: what is ready, else the marks of unconfirmed
// entries, else a take-over sweep when one is due, else a blocking read.
void serve(store_self self) {
  auto& st = self->state;
  if (!st.taker || st.busy) return;
  if (!st.ready.empty() || st.draining) return hand_out(self);
  const auto now = st.time.now();
  if (now < st.retry_at) return;
  if (!st.unconfirmed.empty() && now - st.last_check >= kRecheck) return check_marks(self);
  if (now - st.last_sweep >= takeover_sweep_interval(st.policy)) return sweep(self);
  read(self);
}

void refresh(store_self self) {
  auto& st = self->state;
  if (st.held.empty() || !claim_refresh_due(st.last_refresh, st.time.now(), st.policy)) return;
  std::vector<std::string> ids;
  for (const auto& kv : st.held) ids.push_back(kv.first);
  auto asked = st.time.now();
  st.stream->refresh(st.consumer, ids,
                     back_here<redis::ids_result>(self, [self, ids, asked](redis::ids_result& r) {
                       auto& st = self->state;
                       if (!note(self, "refresh", r.error)) return;
                       st.last_refresh = asked;
                       std::unordered_set<std::string> kept(r.ids.begin(), r.ids.end());
                       for (const auto& id : ids)
                         if (!kept.count(id) && st.held.erase(id))
                           log::warn("lease lost: a peer holds the entry now", {{"entry_id", id}});
                     }));
}

void tick(store_self self) {
  auto& st = self->state;
  if (!st.group_ready)
    st.stream->create_group(back_here<std::string>(self, [self](std::string& e) {
      self->state.group_ready = note(self, "create_group", e);
    }));
  st.stream->backlog(back_here<redis::backlog_result>(self, [self](redis::backlog_result& r) {
    if (!note(self, "backlog", r.error)) return;
    self->state.backlog = shared_backlog(r.length, r.pending);
    metrics::set_submission_backlog(self->state.backlog);
  }));
  refresh(self);
  auto retries = std::move(st.removals);
  st.removals.clear();
  for (auto& [id, sid] : retries) remove_entry(self, id, sid);
  serve(self);
  st.time.send_later(self, takeover_sweep_interval(st.policy), tick_atom::value);
}

store_impl::behavior_type submission_store(store_self self, std::shared_ptr<const config> cfg,
                                           redis::commands* commands, redis::commands* reader, std::string consumer,
                                           timers time) {
  auto& st = self->state;
  st.cfg = cfg;
  st.stream = std::make_unique<redis::stream_store>(*commands, *reader, redis::stream_names{},
                                                    stream_entry_caps{128, cfg->max_body_bytes, 16});
  st.consumer = std::move(consumer);
  st.policy = {cfg->submission_lease, cfg->submission_max_attempts};
  st.time = time;
  st.last_refresh = st.last_sweep = time.now();
  st.last_sweep -= takeover_sweep_interval(st.policy);  // a restarted pod takes over what is due at once
  tick(self);
  return {
      [self](journal_atom, stream_entry& e) -> caf::result<journal_answer> {
        auto& st = self->state;
        if (backlog_full(st.backlog, st.cfg->max_queued_submissions)) return journal_answer{journal_answer::kind::full, {}};
        auto rp = self->make_response_promise<journal_answer>();
        auto ttl = duplicate_mark_ttl(st.policy, st.cfg->max_request_runtime, result_delivery_budget(*st.cfg));
        st.stream->journal(e, ttl, back_here<redis::journal_outcome>(self, [self, rp](redis::journal_outcome& o) mutable {
          if (!note(self, "journal", o.error)) return (void)rp.deliver(journal_answer{journal_answer::kind::unavailable, {}});
          if (o.what == redis::journal_outcome::kind::duplicate)
            return (void)rp.deliver(journal_answer{journal_answer::kind::duplicate, {}});
          self->state.backlog = shared_backlog(o.length, o.pending);
          metrics::set_submission_backlog(self->state.backlog);
          rp.deliver(journal_answer{journal_answer::kind::journaled, o.id});
        }));
        return rp;
      },
      [self](ready_atom, std::string& submission_id) {
        // Lost, a peer runs the entry anyway once mark_running_bound has passed.
        self->state.stream->mark_ready(submission_id,
                                       back_here<std::string>(self, [self](std::string& e) { note(self, "mark_ready", e); }));
      },
      [self](remove_atom, std::string& id, std::string& submission_id) {
        remove_entry(self, std::move(id), std::move(submission_id));
      },
      [self](take_atom, int n) -> caf::result<taken_entries> {
        auto& st = self->state;
        if (st.taker) hand_out(self);  // one taker at a time: the older one gets what is ready
        st.taker = self->make_response_promise<taken_entries>();
        st.wanted = n;
        auto rp = *st.taker;
        serve(self);
        return rp;
      },
      [self](drain_atom) {
        self->state.draining = true;
        if (self->state.taker && !self->state.busy) hand_out(self);
      },
      [self](release_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        std::vector<std::string> ids;
        for (const auto& kv : self->state.held) ids.push_back(kv.first);
        if (ids.empty()) return true;
        release(self, std::move(ids), [rp](bool ok) mutable { rp.deliver(ok); });
        return rp;
      },
      [self](probe_atom) -> caf::result<bool, std::string> {
        auto rp = self->make_response_promise<bool, std::string>();
        self->state.stream->backlog(back_here<redis::backlog_result>(self, [self, rp](redis::backlog_result& r) mutable {
          namespace json = boost::json;
          if (!note(self, "backlog", r.error))
            return (void)rp.deliver(false, json::serialize(json::object{{"ok", false}, {"error", r.error}}));
          self->state.backlog = shared_backlog(r.length, r.pending);
          rp.deliver(true, json::serialize(json::object{{"ok", true},
                                                        {"backlog", self->state.backlog},
                                                        {"held", self->state.held.size()},
                                                        {"consumer", self->state.consumer}}));
        }));
        return rp;
      },
      [](redis_done_atom, store_step& step) { step.run(); },
      [self](tick_atom) { tick(self); },
      [self](serve_atom) { serve(self); },
  };
}

}  // namespace

std::chrono::milliseconds mark_running_bound(const config& cfg) {
  return reply_timeout(cfg.convex_timeout) + reply_timeout(kStoreCommandTimeout);
}

store_actor spawn_submission_store(caf::actor_system& sys, std::shared_ptr<const config> cfg,
                                   redis::commands& commands, redis::commands& reader, std::string consumer,
                                   timers time) {
  return sys.spawn(submission_store, std::move(cfg), &commands, &reader, std::move(consumer), time);
}

}  // namespace cx
