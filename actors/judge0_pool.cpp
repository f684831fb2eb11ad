#include "actors/judge0_pool.hpp"

#include <caf/all.hpp>

#include <deque>
#include <unordered_map>
#include <vector>

#include "actors/judge0_client.hpp"
#include "http/client.hpp"
#include "http/log.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

namespace cx {
namespace {

struct waiting_job {
  judge0_job job;
  caf::response_promise rp;
};

struct pool_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  pool_state() = default;
  std::shared_ptr<const config> cfg;
  http::client* client = nullptr;
  breaker_handle breaker;
  std::vector<caf::actor> idle;
  std::unordered_map<caf::actor_addr, caf::response_promise> busy;  // client -> its job's caller
  std::deque<waiting_job> waiting;
  static constexpr const char* name = "judge0_pool";
};

using pool_actor = caf::stateful_actor<pool_state>;

judge0_outcome failed(std::string why) {
  judge0_outcome o;
  o.failure = std::move(why);
  return o;
}

// Answers the caller of the job `client` runs; false when it has none (already answered).
bool answer_job_of(pool_actor* self, const caf::actor_addr& client, judge0_outcome o) {
  auto it = self->state.busy.find(client);
  if (it == self->state.busy.end()) return false;
  it->second.deliver(std::move(o));
  self->state.busy.erase(it);
  return true;
}

void dispatch(pool_actor* self) {
  auto& st = self->state;
  while (!st.idle.empty() && !st.waiting.empty()) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    auto left = w.job.deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      w.rp.deliver(failed("deadline exceeded while waiting for a Judge0 slot"));
      continue;
    }
    auto client = st.idle.back();
    st.idle.pop_back();
    st.busy.emplace(client.address(), std::move(w.rp));
    // No request timeout: a client always answers before the job's deadline, and one that dies
    // is caught by the exit handler (clients are linked).
    self->request(client, caf::infinite, run_atom::value, std::move(w.job))
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

caf::behavior judge0_pool(pool_actor* self, std::shared_ptr<const config> cfg, http::client* client,
                          breaker_handle breaker) {
  auto& st = self->state;
  st.cfg = cfg;
  st.client = client;
  st.breaker = breaker;
  for (int i = 0; i < cfg->judge0_max_inflight; ++i)
    st.idle.push_back(self->spawn<caf::linked>(judge0_client, cfg, client, breaker));
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& s = self->state;
    if (em.source != self->address()) {  // a client ended: fail its job, replace it
      answer_job_of(self, em.source, failed("Judge0 client stopped: " + self->system().render(em.reason)));
      std::erase_if(s.idle, [&](const caf::actor& c) { return c.address() == em.source; });
      s.idle.push_back(self->spawn<caf::linked>(judge0_client, s.cfg, s.client, s.breaker));
      return dispatch(self);
    }
    for (auto& kv : s.busy) kv.second.deliver(failed("service shutting down"));
    s.busy.clear();
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
  };
}

}  // namespace

caf::actor spawn_judge0_pool(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::client& client,
                             breaker_handle breaker) {
  return sys.spawn(judge0_pool, std::move(cfg), &client, std::move(breaker));
}

}  // namespace cx
