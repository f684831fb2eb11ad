// Async HTTP/1.1 client (Beast inside) with per-call timeouts, keep-alive connection reuse
// and TLS for https URLs. Completions run on an io thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace cx::http {

class io_runtime;

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

class client {
 public:
  explicit client(io_runtime& io);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  void send(client_request req, std::function<void(client_response)> done);

  io_runtime& io() const { return *io_; }

  struct impl;

 private:
  io_runtime* io_;
  std::shared_ptr<impl> impl_;
};

}  // namespace cx::http
