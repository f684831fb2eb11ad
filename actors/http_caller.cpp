#include "actors/http_caller.hpp"

#include <caf/all.hpp>

#include "actors/http_messages.hpp"
#include "messages/atoms.hpp"

namespace cx {
namespace {

// The client's completion: back to the calling actor as a message.
http::client_done reply_to(caf::local_actor* self, std::uint64_t id) {
  return [me = caf::actor_cast<caf::actor>(self), id](http::client_response res) {
    caf::anon_send(me, http_done_atom::value, id, std::move(res));
  };
}

}  // namespace

void http_caller::call(caf::local_actor* self, http::client_request req, continuation k) {
  auto id = ++next_id_;
  pending_.emplace(id, std::move(k));
  out_->send(std::move(req), reply_to(self, id));
}

void http_caller::call_after(caf::local_actor* self, std::chrono::milliseconds delay, http::client_request req,
                             continuation k) {
  auto id = ++next_id_;
  pending_.emplace(id, std::move(k));
  out_->send_after(delay, std::move(req), reply_to(self, id));
}

void http_caller::complete(std::uint64_t id, http::client_response& res) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto k = std::move(it->second);
  pending_.erase(it);
  k(res);
}

}  // namespace cx
