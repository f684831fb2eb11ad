// Async HTTP/1.1 client (Beast inside) with per-call timeouts, keep-alive connection reuse
// and TLS for https URLs. Completions run on an io thread.
#pragma once

#include <memory>

#include "http/outbound.hpp"

namespace cx::http {

class io_runtime;

class client final : public outbound {
 public:
  explicit client(io_runtime& io);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  void send(client_request req, client_done done) override;
  // Started by the io thread's timer: a poll costs its actor one message (the answer), not two.
  void send_after(std::chrono::milliseconds delay, client_request req, client_done done) override;

  struct impl;

 private:
  io_runtime* io_;
  std::shared_ptr<impl> impl_;
};

}  // namespace cx::http
