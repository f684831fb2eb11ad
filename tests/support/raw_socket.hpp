// A blocking loopback TCP connection for tests that must send exactly the bytes they choose
// (malformed, slow, never read) and see exactly what comes back. Every wait has a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace cx::testing {

class raw_connection {
 public:
  // Connects to 127.0.0.1:port; ok() says whether it worked.
  explicit raw_connection(std::uint16_t port);
  ~raw_connection();
  raw_connection(raw_connection&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;
  raw_connection& operator=(raw_connection&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }

  bool ok() const { return fd_ >= 0; }
  // false once the peer has closed or reset the connection (or the send buffer stays full for 1 s).
  bool send(std::string_view bytes);
  void shutdown_send();
  // What arrives within `timeout`, up to `max` bytes; stops early at the first read that returns.
  std::string read_some(std::chrono::milliseconds timeout, std::size_t max = 64 * 1024);
  // Everything until the peer closes or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout);
  // Reads and drops bytes until the peer closes or resets (true) or `timeout` passes (false).
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  int fd_ = -1;
};

// Sends `bytes`, half-closes, and returns whatever the server answers before closing (or 2 s pass).
std::string raw_exchange(std::uint16_t port, const std::string& bytes);

}  // namespace cx::testing
