// What an actor needs of outbound HTTP: a call now, or one started after a delay, each completed
// exactly once within its own timeout. http::client is the real one; the actor tests hand actors
// a scripted one, so no socket is opened.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "http/message.hpp"

namespace cx::http {

struct client_request {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  header_list headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_response_bytes = 16 * 1024 * 1024;
};

struct client_response {
  int status = 0;  // 0 when the call failed before an answer
  header_list headers;
  std::string body;
  std::string error;  // empty on a complete answer
  bool timed_out = false;
  bool nothing_sent = false;  // failed before any byte of the request was written (resolve, connect, TLS)

  bool ok() const { return error.empty(); }
};

using client_done = std::function<void(client_response)>;

class outbound {
 public:
  virtual ~outbound() = default;
  virtual void send(client_request req, client_done done) = 0;
  virtual void send_after(std::chrono::milliseconds delay, client_request req, client_done done) = 0;
};

}  // namespace cx::http
