// Async HTTP/1.1 server (Beast inside). Each parsed request is handed to a handler together
// with a responder; the handler may answer later from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace cx::http {

class io_runtime;

// Completes one request. Thread-safe; only the first send() counts.
class responder {
 public:
  virtual ~responder() = default;
  virtual void send(response res) = 0;
  // `f` runs once, on the io thread, if the client closes or resets the connection before
  // send(); a no-op after send(). A half-close counts as gone. Default: never runs.
  virtual void on_client_gone(std::function<void()> f) { (void)f; }
};
using responder_ptr = std::shared_ptr<responder>;

using request_handler = std::function<void(request, responder_ptr)>;

struct server_options {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; see server::port()
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout{30000};   // whole request, headers plus body
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive between requests
  std::chrono::milliseconds write_timeout{30000};  // each response write; a client that never reads is closed
  // Open connections at most (lowered to fit RLIMIT_NOFILE). At the cap the connection that has
  // waited longest for its next request's headers is closed; with none, the newcomer gets 503.
  std::size_t max_connections = 1024;
  // Called on the io thread once a request's headers are in, before "100 Continue" and before any
  // body byte is read (head has no body). false: the body is not read, the handler gets the request
  // with an empty body (body_unread when one was declared), and the connection closes after the
  // answer. Empty: every body is read. Must be thread-safe and must not block.
  std::function<bool(const request& head)> wants_body;
};

class server {
 public:
  // Binds and listens at once; throws std::runtime_error naming the address on failure.
  server(io_runtime& io, server_options options, request_handler handler);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const;
  // Stops accepting new connections; open ones finish their current request.
  void close();

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace cx::http
