// The actor messages that carry http:: values: the front's inbox (one parsed request and the
// handle that answers it) and an outbound call's completion. They sit here, above http/, not in
// messages/, which ranks below http/ and so cannot name its types.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>
#include <string>

#include "http/client.hpp"
#include "http/message.hpp"
#include "http/server.hpp"

namespace cx {

struct incoming_request {
  http::request req;
  http::responder_ptr reply;
  std::chrono::steady_clock::time_point received;
};

}  // namespace cx

// Local messages only; these never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::incoming_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::http::client_response)
