#include "actors/http_gateway.hpp"

#include <caf/all.hpp>

#include <unordered_map>

#include "messages/atoms.hpp"
#include "messages/http_messages.hpp"

namespace cx {
namespace {

struct gateway_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  gateway_state() = default;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, caf::response_promise> pending;
  static constexpr const char* name = "http_gateway";
};

caf::behavior http_gateway(caf::stateful_actor<gateway_state>* self, http::client* client) {
  self->set_exit_handler([self](caf::exit_msg& em) {
    // 0.17 has no broken_promise: fail every open call before leaving.
    for (auto& kv : self->state.pending) kv.second.deliver(caf::make_error(caf::sec::request_receiver_down));
    self->state.pending.clear();
    self->quit(em.reason);
  });
  return {
      [self, client](http_call_atom, http::client_request& req) -> caf::result<http::client_response> {
        auto rp = self->make_response_promise<http::client_response>();
        auto id = ++self->state.next_id;
        self->state.pending.emplace(id, rp);
        caf::actor me = caf::actor_cast<caf::actor>(self);
        client->send(std::move(req), [me, id](http::client_response res) {
          caf::anon_send(me, http_done_atom::value, id, std::move(res));
        });
        return rp;
      },
      [self](http_done_atom, std::uint64_t id, http::client_response& res) {
        auto it = self->state.pending.find(id);
        if (it == self->state.pending.end()) return;
        it->second.deliver(std::move(res));
        self->state.pending.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_http_gateway(caf::actor_system& sys, http::client& client) {
  return sys.spawn(http_gateway, &client);
}

}  // namespace cx
