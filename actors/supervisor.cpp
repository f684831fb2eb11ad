#include "actors/supervisor.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "actors/convex_callback.hpp"
#include "actors/http_messages.hpp"
#include "actors/inline_judge.hpp"
#include "actors/policy/admission.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/submission.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/json_errors.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

// A submission (POST /v1/judge-question) or an inline judge (POST /v1/judge; no id, no progress).
struct child {
  std::string submission_id;
  std::string request_id;
  submission_kind kind = submission_kind::standard;
  steady::time_point received;
  bool has_slot = false;
  std::size_t bytes = 0;  // what it holds while it waits: source code and inline testcases
  std::shared_ptr<const submission_progress> progress;
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
  std::unordered_set<std::string> in_flight;  // submission ids
  std::deque<caf::actor_addr> waiting;        // accepted, waiting for a slot
  int active = 0;
  std::size_t queued_bytes = 0;
  std::vector<caf::response_promise> idle_waiters;
  static constexpr const char* name = "supervisor";
};

using supervisor_self = supervisor_actor::stateful_pointer<supervisor_state>;

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

// Admission for either kind; answers 503 itself when the instance is full. `submission_id` is
// null for an inline judge, whose answers carry none.
std::optional<admission> admit(supervisor_self self, std::size_t bytes, const std::string* submission_id,
                               const std::string& request_id, http::responder& reply) {
  auto& st = self->state;
  auto decision = decide_admission({st.active, queued(st), st.queued_bytes}, limits_of(*st.cfg), bytes);
  if (decision != admission::reject) return decision;
  log::info("admission full", {{"request_id", request_id}, {"bytes", bytes}});
  const char* message = "Too many submissions in progress";
  auto res = submission_id ? http::error_response(503, *submission_id, message,
                                                  boost::json::serialize(boost::json::object{{"requestId", request_id}}))
                           : http::error_response(503, message);
  res.set_header("Retry-After", "5");
  reply.send(std::move(res));
  return std::nullopt;
}

void enlist(supervisor_self self, child c) {
  auto& st = self->state;
  if (c.has_slot) {
    ++st.active;
  } else {
    st.waiting.push_back(c.handle.address());
    st.queued_bytes += c.bytes;
  }
  st.children.emplace(c.handle.address(), std::move(c));
  publish(self);
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

void after_down(supervisor_self self) {
  grant_slots(self);
  publish(self);
  notify_idle(self);
}

void on_down(supervisor_self self, caf::down_msg& dm) {
  auto& st = self->state;
  auto it = st.children.find(dm.source);
  if (it == st.children.end()) return;
  auto c = std::move(it->second);
  st.children.erase(it);
  if (c.has_slot) --st.active;
  else st.queued_bytes -= c.bytes;
  if (!c.progress) return after_down(self);  // an inline judge: its HTTP answer is its own
  st.in_flight.erase(c.submission_id);
  bool accepted = c.progress->accepted.load(std::memory_order_acquire);
  bool finished = c.progress->finished.load(std::memory_order_acquire);
  if (dm.reason && accepted && !finished) {
    // The actor crashed after its 202: Convex must still get a terminal result.
    log::error("submission actor died, posting error result",
               {{"submission_id", c.submission_id}, {"request_id", c.request_id},
                {"reason", self->system().render(dm.reason)}});
    metrics::count_submission("error");
    auto r = error_result(c.submission_id, "internal error while judging", std::nullopt, 0, 0,
                          st.time.ms_since(c.received));
    self->request(st.convex, reply_timeout(result_delivery_budget(*st.cfg)), result_atom::value, c.kind, std::move(r))
        .then([](bool) {}, [](caf::error&) {});
  }
  after_down(self);
}

supervisor_actor::behavior_type supervisor(supervisor_self self, std::shared_ptr<const config> cfg, convex_actor convex,
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
      [self](admit_atom, judge_request& req, std::string& request_id, steady::time_point received,
             http::responder_ptr& reply) {
        auto& st = self->state;
        if (st.in_flight.count(req.submission_id) != 0) {
          log::info("duplicate submission in flight", {{"submission_id", req.submission_id}, {"request_id", request_id}});
          reply->send(http::response::json(202, accepted_body(req.submission_id, request_id, true)));
          return;
        }
        auto bytes = held_bytes(req);
        auto decision = admit(self, bytes, &req.submission_id, request_id, *reply);
        if (!decision) return;
        submission_args args;
        args.req = req;
        args.request_id = request_id;
        args.received = received;
        args.reply = std::move(reply);
        args.has_slot = decision == admission::run;
        args.cfg = st.cfg;
        args.convex = st.convex;
        args.pool = st.pool;
        args.time = st.time;
        args.progress = std::make_shared<submission_progress>();
        auto progress = args.progress;
        auto h = spawn_submission(self, std::move(args));
        st.in_flight.insert(req.submission_id);
        enlist(self, child{req.submission_id, request_id, req.kind, received, decision == admission::run, bytes,
                           std::move(progress), h});
      },
      [self](admit_atom, inline_judge_request& req, std::string& request_id, steady::time_point received,
             http::responder_ptr& reply) {
        auto& st = self->state;
        auto bytes = held_bytes(req);
        auto decision = admit(self, bytes, nullptr, request_id, *reply);
        if (!decision) return;
        inline_judge_args args;
        args.req = std::move(req);
        args.request_id = request_id;
        args.received = received;
        args.reply = reply;
        args.has_slot = decision == admission::run;
        args.cfg = st.cfg;
        args.pool = st.pool;
        args.time = st.time;
        auto h = spawn_inline_judge(self, std::move(args));
        // Nobody waits for the verdict any more: the judge stops and frees its slot.
        reply->on_client_gone([h] { caf::anon_send(h, client_gone_atom::value); });
        enlist(self, child{{}, request_id, submission_kind::standard, received, decision == admission::run, bytes,
                           nullptr, h});
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
