#include "actors/judge0_pool.hpp"

#include <caf/all.hpp>

#include <deque>
#include <unordered_map>
#include <vector>

#include "actors/judge0_callback_route.hpp"
#include "actors/judge0_client.hpp"
#include "actors/policy/poll_timing.hpp"
#include "actors/policy/signing.hpp"
#include "actors/random_hex.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/timers.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/client.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

namespace cx {
namespace {

struct waiting_job {
  judge0_job job;
  caf::response_promise rp;
};

// A job in flight that Judge0 may call back: the secret in its URL and the client running it.
struct callback_entry {
  std::string secret;
  judge0_client_actor client;
};

struct busy_job {
  caf::response_promise rp;
  std::string callback_key;  // empty with callbacks off
};

struct pool_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  pool_state() = default;
  std::shared_ptr<const config> cfg;
  http::outbound* out = nullptr;
  timers time;  // jobs' deadlines while they wait
  breaker_handle breaker;
  std::vector<judge0_client_actor> idle;
  std::unordered_map<caf::actor_addr, busy_job> busy;  // client -> its job's caller
  std::unordered_map<std::string, callback_entry> callbacks;  // callback key -> entry, jobs in flight
  std::deque<waiting_job> waiting;
  recent_job_times recent;  // sets each job's first poll
  static constexpr const char* name = "judge0_pool";
};

using pool_actor = judge0_pool_actor::stateful_pointer<pool_state>;

judge0_outcome failed(std::string why) {
  judge0_outcome o;
  o.failure = std::move(why);
  return o;
}

// Answers the caller of the job `client` runs; false when it has none (already answered).
bool answer_job_of(pool_actor self, const caf::actor_addr& client, judge0_outcome o) {
  auto it = self->state.busy.find(client);
  if (it == self->state.busy.end()) return false;
  it->second.rp.deliver(std::move(o));
  self->state.callbacks.erase(it->second.callback_key);
  self->state.busy.erase(it);
  return true;
}

void dispatch(pool_actor self) {
  auto& st = self->state;
  while (!st.idle.empty() && !st.waiting.empty()) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    auto left = w.job.deadline - st.time.now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      w.rp.deliver(failed("deadline exceeded while waiting for a Judge0 slot"));
      continue;
    }
    auto client = st.idle.back();
    st.idle.pop_back();
    if (st.cfg->judge0_callbacks) {
      // 64 random bits name the job (Judge0's token is unknown until the create answers); 128
      // more are the secret that proves a PUT comes from the Judge0 we handed the URL to.
      do w.job.callback_key = random_hex(8);
      while (st.callbacks.count(w.job.callback_key));
      auto secret = random_hex(16);
      w.job.callback_url = st.cfg->judge0_callback_base_url + callback_path_for(w.job.callback_key, secret);
      st.callbacks.emplace(w.job.callback_key, callback_entry{std::move(secret), client});
    }
    st.busy.emplace(client.address(), busy_job{std::move(w.rp), w.job.callback_key});
    w.job.first_poll_delay = st.recent.first_poll_delay(st.cfg->judge0_poll_interval, st.cfg->judge0_min_poll_interval);
    // A client answers by the job's deadline plus one Judge0 call; one that dies is caught by the
    // exit handler (clients are linked), so this timeout is the last resort.
    auto timeout = reply_timeout(std::max(std::chrono::milliseconds(0), st.time.until(w.job.deadline)) +
                                 st.cfg->judge0_timeout);
    st.time.request(self, client, timeout, run_atom::value, std::move(w.job))
        .then(
            [self, client](judge0_outcome& o) {
              if (!answer_job_of(self, client.address(), std::move(o))) return;
              self->state.idle.push_back(client);
              dispatch(self);
            },
            [self, client](caf::error& err) {
              answer_job_of(self, client.address(), failed("Judge0 client failed: " + self->system().render(err)));
            });
  }
}

judge0_pool_actor::behavior_type judge0_pool(pool_actor self, std::shared_ptr<const config> cfg, http::outbound* out,
                                              timers time, breaker_handle breaker) {
  auto& st = self->state;
  st.cfg = cfg;
  st.out = out;
  st.time = time;
  st.breaker = breaker;
  for (int i = 0; i < cfg->judge0_max_inflight; ++i)
    st.idle.push_back(spawn_judge0_client(self, cfg, *out, time, breaker));
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& s = self->state;
    if (em.source != self->address()) {  // a client ended: fail its job, replace it
      answer_job_of(self, em.source, failed("Judge0 client stopped: " + self->system().render(em.reason)));
      std::erase_if(s.idle, [&](const judge0_client_actor& c) { return c.address() == em.source; });
      s.idle.push_back(spawn_judge0_client(self, s.cfg, *s.out, s.time, s.breaker));
      return dispatch(self);
    }
    for (auto& kv : s.busy) kv.second.rp.deliver(failed("service shutting down"));
    s.busy.clear();
    s.callbacks.clear();
    for (auto& w : self->state.waiting) w.rp.deliver(failed("service shutting down"));
    self->state.waiting.clear();
    self->quit(em.reason);
  });
  return {
      [self](run_atom, judge0_job& job) -> caf::result<judge0_outcome> {
        auto rp = self->make_response_promise<judge0_outcome>();
        self->state.waiting.push_back({std::move(job), rp});
        dispatch(self);
        return rp;
      },
      // Unknown or forged: 404 and nothing changes. A good one is answered at once (Judge0's worker
      // waits for it) and its client judges the body.
      [self](judge0_callback& cb) {
        auto it = self->state.callbacks.find(cb.job);
        const char* refused = it == self->state.callbacks.end()                       ? "unknown"
                              : !constant_time_equals(it->second.secret, cb.secret) ? "bad_secret"
                                                                                    : nullptr;
        if (refused) {
          metrics::count_judge0_callback(refused);
          return cb.answer(false);
        }
        cb.answer(true);
        self->send(it->second.client, callback_atom::value, cb.job, std::move(cb.body));
      },
      [self](ran_for_atom, std::int64_t still_running_ms) {
        self->state.recent.add(std::chrono::milliseconds(still_running_ms));
      },
  };
}

}  // namespace

judge0_pool_actor spawn_judge0_pool(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::outbound& out,
                                    timers time, breaker_handle breaker) {
  return sys.spawn(judge0_pool, std::move(cfg), &out, time, std::move(breaker));
}

}  // namespace cx
