#include "actors/supervisor.hpp"

#include <caf/all.hpp>

#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/convex_callback.hpp"
#include "actors/inline_judge.hpp"
#include "actors/policy/admission.hpp"
#include "actors/policy/stream_lease.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/submission.hpp"
#include "actors/submission_store.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

// A submission (POST /v1/judge-question) or an inline judge (POST /v1/judge: no submission id).
struct child {
  std::optional<std::string> submission_id;
  request_ticket ticket;
  submission_kind kind = submission_kind::standard;
  bool has_slot = false;
  std::size_t bytes = 0;  // what it holds while it waits: source code and inline testcases
  bool accepted = false;  // its 202 went out
  caf::typed_response_promise<judge_answer> answer;
  submission_actor handle;  // an inline judge speaks this conversation too
  // Run from the shared stream (SUBMISSION_STORE=redis): its entry, removed once its result is
  // delivered, or given back to peers (handed_over) at the grace deadline.
  std::optional<std::string> entry_id;
  bool handed_over = false;
};

struct supervisor_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  supervisor_state() = default;
  std::shared_ptr<const config> cfg;
  convex_actor convex;
  judge0_pool_actor pool;
  timers time;
  std::unordered_map<caf::actor_addr, child> children;
  std::unordered_map<std::uint64_t, caf::actor_addr> inline_by_serial;
  std::unordered_set<std::string> in_flight;  // submission ids
  std::deque<caf::actor_addr> waiting;        // accepted, waiting for a slot
  int active = 0;
  std::size_t queued_bytes = 0;
  std::vector<caf::response_promise> idle_waiters;
  // SUBMISSION_STORE=redis
  store_actor store;
  bool taking = false;    // a take is in flight
  bool draining = false;  // take nothing more from the shared stream
  int in_progress = 0;    // acceptances and terminal posts under way, which idle waits for too
  static constexpr const char* name = "supervisor";
};

// The conversation plus its own retry of a failed take.
using supervisor_impl = owner_actor::extend<caf::reacts_to<take_atom>>;
using supervisor_self = supervisor_impl::stateful_pointer<supervisor_state>;

int queued(const supervisor_state& st) { return static_cast<int>(st.children.size()) - st.active; }

void publish(supervisor_self self) {
  metrics::set_active_submissions(self->state.active);
  metrics::set_queued_submissions(queued(self->state));
  metrics::set_queued_bytes(self->state.queued_bytes);
}

admission_limits limits_of(const config& cfg) {
  return {cfg.max_active_submissions, cfg.max_queued_submissions, cfg.max_queued_bytes};
}

std::size_t held_bytes(const judge_request& r) {
  return r.source_code.size() + r.question_id.size() + r.submission_id.size();
}

std::size_t held_bytes(const inline_judge_request& r) {
  auto n = r.source_code.size();
  for (const auto& t : r.testcases)
    n += t.stdin_text.size() + t.expected_stdout.size() + (t.name ? t.name->size() : 0);
  return n;
}

admission decide(supervisor_self self, std::size_t bytes, const std::string& request_id) {
  auto& st = self->state;
  auto d = decide_admission({st.active, queued(st), st.queued_bytes}, limits_of(*st.cfg), bytes);
  if (d == admission::reject) log::info("admission full", {{"request_id", request_id}, {"bytes", bytes}});
  return d;
}

caf::typed_response_promise<judge_answer> enlist(supervisor_self self, child c) {
  auto& st = self->state;
  if (c.has_slot) {
    ++st.active;
  } else {
    st.waiting.push_back(c.handle.address());
    st.queued_bytes += c.bytes;
  }
  c.answer = self->make_response_promise<judge_answer>();
  auto rp = c.answer;
  st.children.emplace(c.handle.address(), std::move(c));
  publish(self);
  return rp;
}

void grant_slots(supervisor_self self) {
  auto& st = self->state;
  while (st.active < st.cfg->max_active_submissions && !st.waiting.empty()) {
    auto addr = st.waiting.front();
    st.waiting.pop_front();
    auto it = st.children.find(addr);
    if (it == st.children.end() || it->second.has_slot) continue;
    it->second.has_slot = true;
    st.queued_bytes -= it->second.bytes;
    ++st.active;
    self->send(it->second.handle, slot_atom::value);
  }
}

void notify_idle(supervisor_self self) {
  if (!self->state.children.empty() || self->state.in_progress > 0) return;
  for (auto& rp : self->state.idle_waiters) rp.deliver(true);
  self->state.idle_waiters.clear();
}

// The child that sent the current message, if it is still ours.
child* sender_child(supervisor_self self) {
  auto it = self->state.children.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
  return it == self->state.children.end() ? nullptr : &it->second;
}

void deliver(child& c, judge_answer a) {
  if (c.answer.pending()) c.answer.deliver(std::move(a));
}

void done_with_entry(supervisor_self self, const std::optional<std::string>& entry_id, const std::string& submission_id) {
  if (entry_id) self->send(self->state.store, remove_atom::value, *entry_id, submission_id);
}

// A result posted by the supervisor itself; a stream entry is removed once its delivery is over.
void post_terminal(supervisor_self self, submission_kind kind, submission_result r, std::optional<std::string> entry_id) {
  auto& st = self->state;
  ++st.in_progress;
  auto sid = r.submission_id;
  auto finish = [self, entry_id, sid] {
    done_with_entry(self, entry_id, sid);
    --self->state.in_progress;
    notify_idle(self);
  };
  st.time.request(self, st.convex, reply_timeout(result_delivery_budget(*st.cfg)), result_atom::value, kind, std::move(r))
      .then([finish](bool) { finish(); }, [finish](caf::error&) { finish(); });
}

// A submission that crashed after its 202: Convex must still get a terminal result.
void post_crash_result(supervisor_self self, const child& c, const caf::error& reason) {
  auto& st = self->state;
  log::error("submission actor died, posting error result",
             {{"submission_id", *c.submission_id}, {"request_id", c.ticket.request_id},
              {"reason", self->system().render(reason)}});
  metrics::count_submission("error");
  auto r = error_result(*c.submission_id, "internal error while judging", std::nullopt, 0, 0,
                        st.time.ms_since(c.ticket.received));
  post_terminal(self, c.kind, std::move(r), c.entry_id);
}

void take_more(supervisor_self self);

// A submission actor's arguments: its request, and what every submission gets from us.
submission_args submission_args_for(supervisor_self self, judge_request req, request_ticket ticket, bool has_slot) {
  auto& st = self->state;
  submission_args args;
  args.req = std::move(req);
  args.ticket = std::move(ticket);
  args.has_slot = has_slot;
  args.cfg = st.cfg;
  args.owner = caf::actor_cast<owner_actor>(self);
  args.convex = st.convex;
  args.pool = st.pool;
  args.time = st.time;
  return args;
}

void on_down(supervisor_self self, caf::down_msg& dm) {
  auto& st = self->state;
  auto it = st.children.find(dm.source);
  if (it == st.children.end()) return;
  auto c = std::move(it->second);
  st.children.erase(it);
  if (c.has_slot) --st.active;
  else st.queued_bytes -= c.bytes;
  deliver(c, answer(answer_kind::internal, c.ticket.request_id, c.submission_id));
  if (c.submission_id) {
    st.in_flight.erase(*c.submission_id);
    // A submission ends normally once its result's delivery is over, so an abnormal end after
    // its 202 left Convex without a result. One handed over runs again on a peer.
    if (!c.handed_over && dm.reason && c.accepted) post_crash_result(self, c, dm.reason);
    else if (!c.handed_over) done_with_entry(self, c.entry_id, *c.submission_id);
  } else {
    st.inline_by_serial.erase(c.ticket.serial);
  }
  grant_slots(self);
  take_more(self);
  publish(self);
  notify_idle(self);
}

// --- SUBMISSION_STORE=redis: journal, then mark running, then 202; run what the stream hands us.

std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void finish_acceptance(supervisor_self self, caf::typed_response_promise<judge_answer>& rp, judge_answer a) {
  rp.deliver(std::move(a));
  --self->state.in_progress;
  notify_idle(self);
}

void mark_journaled_running(supervisor_self self, caf::typed_response_promise<judge_answer> rp, submission_kind kind,
                            std::string sid, std::string request_id, std::string entry_id) {
  auto& st = self->state;
  auto failed = [self, rp, sid, request_id, entry_id](std::int64_t status) mutable {
    log::warn("mark running failed", {{"submission_id", sid}, {"request_id", request_id}, {"status", status}});
    metrics::count_submission("mark_running_failed");
    self->send(self->state.store, remove_atom::value, entry_id, sid);
    finish_acceptance(self, rp, answer(answer_kind::mark_running_failed, request_id, sid));
  };
  st.time.request(self, st.convex, reply_timeout(st.cfg->convex_timeout), running_atom::value, kind, sid)
      .then(
          [self, rp, sid, request_id, failed](convex_answer& ans) mutable {
            if (!ans.ok()) return failed(ans.status);
            self->send(self->state.store, ready_atom::value, sid);
            finish_acceptance(self, rp, answer(answer_kind::accepted, request_id, sid));
          },
          [failed](caf::error&) mutable { failed(0); });
}

caf::result<judge_answer> accept_durably(supervisor_self self, judge_request& req, request_ticket& t) {
  auto& st = self->state;
  stream_entry e;
  e.submission_id = req.submission_id;
  e.question_id = req.question_id;
  e.request_id = t.request_id;
  e.payload = judge_request_body(req);
  // Counted from the request's arrival, as in memory mode; the entry carries it to every pod.
  e.accepted_at_ms = epoch_ms(st.time.wall_now()) - st.time.ms_since(t.received);
  e.deadline_ms = e.accepted_at_ms + st.cfg->max_request_runtime.count();
  auto rp = self->make_response_promise<judge_answer>();
  ++st.in_progress;
  st.time.request(self, st.store, reply_timeout(kStoreCommandTimeout), journal_atom::value, std::move(e))
      .then(
          [self, rp, kind = req.kind, sid = req.submission_id, rid = t.request_id](journal_answer& j) mutable {
            using k = journal_answer::kind;
            switch (j.what) {
              case k::journaled:
                return mark_journaled_running(self, rp, kind, sid, rid, j.id);
              case k::duplicate:
                log::info("duplicate submission journaled", {{"submission_id", sid}, {"request_id", rid}});
                return finish_acceptance(self, rp, answer(answer_kind::duplicate, rid, sid));
              case k::full:
                log::info("shared backlog full", {{"request_id", rid}});
                return finish_acceptance(self, rp, answer(answer_kind::overloaded, rid, sid));
              case k::unavailable:
                break;
            }
            log::warn("submission not journaled: store unavailable", {{"submission_id", sid}, {"request_id", rid}});
            finish_acceptance(self, rp, answer(answer_kind::store_unavailable, rid, sid));
          },
          [self, rp, sid = req.submission_id, rid = t.request_id](caf::error&) mutable {
            metrics::count_store_error("journal");
            finish_acceptance(self, rp, answer(answer_kind::store_unavailable, rid, sid));
          });
  return rp;
}

// One delivery of an entry: run it, or end it with a terminal error (deadline, attempts, unreadable).
void run_entry(supervisor_self self, stream_delivery& d) {
  auto& st = self->state;
  auto& e = std::get<stream_entry>(d.entry);
  if (st.in_flight.count(e.submission_id) != 0) return;  // ours already: that run removes the entry
  const auto now = st.time.wall_now();
  const std::chrono::system_clock::time_point accepted{std::chrono::milliseconds(e.accepted_at_ms)};
  const auto received = st.time.now() - std::chrono::duration_cast<std::chrono::milliseconds>(now - accepted);
  auto elapsed = std::max<std::int64_t>(0, epoch_ms(now) - e.accepted_at_ms);
  request_caps caps{st.cfg->max_source_bytes, st.cfg->max_testcases, st.cfg->max_stdin_bytes};
  auto parsed = parse_judge_request(e.payload, caps);
  auto* req = std::get_if<judge_request>(&parsed);
  auto kind = req ? req->kind : submission_kind::standard;
  lease_policy policy{st.cfg->submission_lease, st.cfg->submission_max_attempts};
  auto action = decide_delivery(d.deliveries, std::chrono::system_clock::time_point(std::chrono::milliseconds(e.deadline_ms)),
                                now, policy);
  std::optional<std::string> why;
  if (action == delivery_action::abandon) why = abandoned_message(policy.max_attempts);
  else if (action == delivery_action::deadline_passed) why = "deadline exceeded (MAX_REQUEST_RUNTIME_MS)";
  else if (!req) why = "journaled submission unreadable";
  if (why) {
    log::warn("stream entry ended without running",
              {{"submission_id", e.submission_id}, {"request_id", e.request_id}, {"deliveries", d.deliveries}, {"why", *why}});
    metrics::count_submission("error");
    return post_terminal(self, kind, error_result(e.submission_id, *why, std::nullopt, 0, 0, elapsed), d.id);
  }
  auto args = submission_args_for(self, std::move(*req), {e.request_id, received, 0}, true);
  args.marked_running = true;
  auto h = spawn_submission(self, std::move(args));
  st.in_flight.insert(e.submission_id);
  ++st.active;
  child c{e.submission_id, {e.request_id, received, 0}, kind, true, 0, true, {}, h, d.id, false};
  st.children.emplace(h.address(), std::move(c));
}

// Asks the store for as many entries as there are free slots; again once they are running.
void take_more(supervisor_self self) {
  auto& st = self->state;
  if (!st.store || st.taking || st.draining) return;
  auto free = read_count(st.active, st.cfg->max_active_submissions);
  if (free <= 0) return;
  st.taking = true;
  st.time.request(self, st.store, kTakeTimeout, take_atom::value, free)
      .then(
          [self](taken_entries& t) {
            self->state.taking = false;
            for (auto& d : t.entries) run_entry(self, d);
            publish(self);
            take_more(self);
          },
          [self](caf::error&) {
            self->state.taking = false;
            self->state.time.send_later(self, std::chrono::seconds(1), take_atom::value);
          });
}

// At the grace deadline: peers take over what runs here; only if Redis cannot be told, the
// submissions post "service shutting down" as in memory mode.
void hand_over(supervisor_self self, std::string reason) {
  auto& st = self->state;
  st.time.request(self, st.store, reply_timeout(kStoreCommandTimeout), release_atom::value)
      .then(
          [self, reason](bool released) {
            for (auto& kv : self->state.children) {
              if (!kv.second.entry_id) continue;
              if (released) {
                kv.second.handed_over = true;
                self->send_exit(kv.second.handle, caf::exit_reason::user_shutdown);
              } else {
                self->send(kv.second.handle, abort_atom::value, reason);
              }
            }
          },
          [self, reason](caf::error&) {
            for (auto& kv : self->state.children)
              if (kv.second.entry_id) self->send(kv.second.handle, abort_atom::value, reason);
          });
}

supervisor_impl::behavior_type supervisor(supervisor_self self, std::shared_ptr<const config> cfg, convex_actor convex,
                                          judge0_pool_actor pool, store_actor store, timers time) {
  self->state.time = time;
  self->state.cfg = cfg;
  self->state.convex = convex;
  self->state.pool = pool;
  self->state.store = store;
  auto lim = limits_of(*cfg);
  metrics::set_admission_limits(lim.max_active, lim.max_queued, lim.max_queued_bytes);
  self->set_down_handler([self](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([self](caf::exit_msg& em) {
    // Children are monitored, not linked (links cost a scan per exit): end them ourselves.
    if (em.source != self->address()) return;
    for (auto& kv : self->state.children) self->send_exit(kv.second.handle, em.reason);
    self->quit(em.reason);
  });
  publish(self);
  take_more(self);
  return {
      [self](admit_atom, judge_request& req, request_ticket& t) -> caf::result<judge_answer> {
        auto& st = self->state;
        if (st.in_flight.count(req.submission_id) != 0) {
          log::info("duplicate submission in flight", {{"submission_id", req.submission_id}, {"request_id", t.request_id}});
          return answer(answer_kind::duplicate, t.request_id, req.submission_id);
        }
        if (st.store) return accept_durably(self, req, t);
        auto bytes = held_bytes(req);
        auto d = decide(self, bytes, t.request_id);
        if (d == admission::reject) return answer(answer_kind::overloaded, t.request_id, req.submission_id);
        auto h = spawn_submission(self, submission_args_for(self, req, t, d == admission::run));
        st.in_flight.insert(req.submission_id);
        return enlist(self, child{req.submission_id, std::move(t), req.kind, d == admission::run, bytes, false, {}, h,
                                  std::nullopt, false});
      },
      [self](admit_atom, inline_judge_request& req, request_ticket& t) -> caf::result<judge_answer> {
        auto& st = self->state;
        auto bytes = held_bytes(req);
        auto d = decide(self, bytes, t.request_id);
        if (d == admission::reject) return answer(answer_kind::overloaded, t.request_id);
        inline_judge_args args;
        args.req = std::move(req);
        args.ticket = t;
        args.has_slot = d == admission::run;
        args.cfg = st.cfg;
        args.owner = caf::actor_cast<owner_actor>(self);
        args.pool = st.pool;
        args.time = st.time;
        auto h = spawn_inline_judge(self, std::move(args));
        st.inline_by_serial.emplace(t.serial, h.address());
        return enlist(self, child{std::nullopt, std::move(t), submission_kind::standard, d == admission::run, bytes,
                                  false, {}, h, std::nullopt, false});
      },
      [self](client_gone_atom, std::uint64_t serial) {
        // Nobody waits for the verdict any more: the judge stops and frees its slot.
        auto& st = self->state;
        auto it = st.inline_by_serial.find(serial);
        if (it == st.inline_by_serial.end()) return;
        auto& c = st.children.at(it->second);
        deliver(c, answer(answer_kind::client_gone, c.ticket.request_id));
        self->send(caf::actor_cast<inline_judge_actor>(c.handle), client_gone_atom::value);
      },
      [self](answer_atom, judge_answer& a) {
        auto* c = sender_child(self);
        if (!c) return;
        if (a.kind == answer_kind::accepted) c->accepted = true;
        deliver(*c, std::move(a));
      },
      [self](drain_atom) {
        self->state.draining = true;
        if (self->state.store) self->send(self->state.store, drain_atom::value);
      },
      [self](abort_atom, std::string& reason) {
        for (auto& kv : self->state.children)
          if (!kv.second.entry_id) self->send(kv.second.handle, abort_atom::value, reason);
        if (self->state.store) hand_over(self, reason);
      },
      [self](take_atom) { take_more(self); },
      [self](idle_atom) -> caf::result<bool> {
        if (self->state.children.empty() && self->state.in_progress == 0) return true;
        auto rp = self->make_response_promise<bool>();
        self->state.idle_waiters.push_back(rp);
        return rp;
      },
  };
}

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const config> cfg, convex_actor convex,
                                  judge0_pool_actor pool, timers time, store_actor store) {
  return sys.spawn(supervisor, std::move(cfg), std::move(convex), std::move(pool), std::move(store), time);
}

}  // namespace cx
