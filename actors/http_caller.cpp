#include "actors/http_caller.hpp"

#include <caf/all.hpp>

#include "messages/atoms.hpp"
#include "http/io_runtime.hpp"
#include "messages/http_messages.hpp"

namespace cx {

void http_caller::call(caf::local_actor* self, http::client_request req, continuation k) {
  auto id = ++next_id_;
  pending_.emplace(id, std::move(k));
  client_->send(std::move(req), [me = caf::actor_cast<caf::actor>(self), id](http::client_response res) {
    caf::anon_send(me, http_done_atom::value, id, std::move(res));
  });
}

void http_caller::call_after(caf::local_actor* self, std::chrono::milliseconds delay, http::client_request req,
                             continuation k) {
  auto id = ++next_id_;
  pending_.emplace(id, std::move(k));
  client_->io().after(delay, [client = client_, me = caf::actor_cast<caf::actor>(self), id, req = std::move(req)]() mutable {
    client->send(std::move(req), [me, id](http::client_response res) {
      caf::anon_send(me, http_done_atom::value, id, std::move(res));
    });
  });
}

void http_caller::complete(std::uint64_t id, http::client_response& res) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto k = std::move(it->second);
  pending_.erase(it);
  k(res);
}

}  // namespace cx
