// The http gateway actor: the CAF side of the async HTTP client. Actors request
// (http_call_atom, client_request) and get a client_response; nobody blocks.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>

namespace cx {
namespace http { class client; }

caf::actor spawn_http_gateway(caf::actor_system& sys, http::client& client);

// Request timeout for a call whose own HTTP timeout is `t`: the client's timer fires first.
inline std::chrono::milliseconds gateway_timeout(std::chrono::milliseconds t) {
  return t + std::chrono::seconds(2);
}

}  // namespace cx
