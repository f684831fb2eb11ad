#include "actors/supervisor.hpp"

#include <caf/all.hpp>

#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/convex_callback.hpp"
#include "actors/inline_judge.hpp"
#include "actors/policy/admission.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/submission.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"

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
  static constexpr const char* name = "supervisor";
};

using supervisor_self = owner_actor::stateful_pointer<supervisor_state>;

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
  if (!self->state.children.empty()) return;
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

// A submission that crashed after its 202: Convex must still get a terminal result.
void post_crash_result(supervisor_self self, const child& c, const caf::error& reason) {
  auto& st = self->state;
  log::error("submission actor died, posting error result",
             {{"submission_id", *c.submission_id}, {"request_id", c.ticket.request_id},
              {"reason", self->system().render(reason)}});
  metrics::count_submission("error");
  auto r = error_result(*c.submission_id, "internal error while judging", std::nullopt, 0, 0,
                        st.time.ms_since(c.ticket.received));
  st.time.request(self, st.convex, reply_timeout(result_delivery_budget(*st.cfg)), result_atom::value, c.kind, std::move(r))
      .then([](bool) {}, [](caf::error&) {});
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
    // its 202 left Convex without a result.
    if (dm.reason && c.accepted) post_crash_result(self, c, dm.reason);
  } else {
    st.inline_by_serial.erase(c.ticket.serial);
  }
  grant_slots(self);
  publish(self);
  notify_idle(self);
}

owner_actor::behavior_type supervisor(supervisor_self self, std::shared_ptr<const config> cfg, convex_actor convex,
                                      judge0_pool_actor pool, timers time) {
  self->state.time = time;
  self->state.cfg = cfg;
  self->state.convex = convex;
  self->state.pool = pool;
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
  return {
      [self](admit_atom, judge_request& req, request_ticket& t) -> caf::result<judge_answer> {
        auto& st = self->state;
        if (st.in_flight.count(req.submission_id) != 0) {
          log::info("duplicate submission in flight", {{"submission_id", req.submission_id}, {"request_id", t.request_id}});
          return answer(answer_kind::duplicate, t.request_id, req.submission_id);
        }
        auto bytes = held_bytes(req);
        auto d = decide(self, bytes, t.request_id);
        if (d == admission::reject) return answer(answer_kind::overloaded, t.request_id, req.submission_id);
        submission_args args;
        args.req = req;
        args.ticket = t;
        args.has_slot = d == admission::run;
        args.cfg = st.cfg;
        args.owner = caf::actor_cast<owner_actor>(self);
        args.convex = st.convex;
        args.pool = st.pool;
        args.time = st.time;
        auto h = spawn_submission(self, std::move(args));
        st.in_flight.insert(req.submission_id);
        return enlist(self, child{req.submission_id, std::move(t), req.kind, d == admission::run, bytes, false, {}, h});
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
                                  false, {}, h});
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
      [self](abort_atom, std::string& reason) {
        for (auto& kv : self->state.children) self->send(kv.second.handle, abort_atom::value, reason);
      },
      [self](idle_atom) -> caf::result<bool> {
        if (self->state.children.empty()) return true;
        auto rp = self->make_response_promise<bool>();
        self->state.idle_waiters.push_back(rp);
        return rp;
      },
  };
}

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const config> cfg, convex_actor convex,
                                  judge0_pool_actor pool, timers time) {
  return sys.spawn(supervisor, std::move(cfg), std::move(convex), std::move(pool), time);
}

}  // namespace cx
