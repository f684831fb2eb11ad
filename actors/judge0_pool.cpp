#include "actors/judge0_pool.hpp"

#include <caf/all.hpp>

#include <deque>

#include "actors/judge0_client.hpp"
#include "actors/reply_timeout.hpp"
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
  std::deque<waiting_job> waiting;
  static constexpr const char* name = "judge0_pool";
};

using pool_actor = caf::stateful_actor<pool_state>;

judge0_outcome failed(std::string why) {
  judge0_outcome o;
  o.failure = std::move(why);
  return o;
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
    auto rp = w.rp;
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(left) + reply_timeout(st.cfg->judge0_timeout);
    self->request(client, timeout, run_atom::value, std::move(w.job))
        .then(
            [self, client, rp](judge0_outcome& o) mutable {
              rp.deliver(std::move(o));
              self->state.idle.push_back(client);
              dispatch(self);
            },
            [self, rp](caf::error& err) mutable {
              rp.deliver(failed("Judge0 client failed: " + self->system().render(err)));
              // The client may be stuck or gone: replace it rather than reuse it.
              auto& s = self->state;
              self->state.idle.push_back(self->spawn<caf::linked>(judge0_client, s.cfg, s.client, s.breaker));
              dispatch(self);
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
    if (em.source != self->address()) return;  // a client ended; its caller replaces it
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
