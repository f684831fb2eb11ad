// Outbound HTTP from inside an actor, without a hop through another actor: the async client's
// completion comes back to the calling actor as (http_done_atom, id, response), and the actor
// hands it to `complete`, which runs the continuation stored for that id. The client's own
// deadline guarantees exactly one completion per call, so no CAF request timeout is needed.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "http/outbound.hpp"

namespace cx {

class http_caller {
 public:
  using continuation = std::function<void(http::client_response&)>;

  explicit http_caller(http::outbound& out) : out_(&out) {}

  void call(caf::local_actor* self, http::client_request req, continuation k);

  // The same call started `delay` from now by the outbound's own timer: a poll costs the actor
  // one message (the answer), not two.
  void call_after(caf::local_actor* self, std::chrono::milliseconds delay, http::client_request req, continuation k);

  // From the actor's (http_done_atom, id, response) handler; unknown ids are ignored.
  void complete(std::uint64_t id, http::client_response& res);

 private:
  http::outbound* out_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, continuation> pending_;
};

}  // namespace cx
