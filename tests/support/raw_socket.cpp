#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cx::testing {

namespace {

// Waits for `events` on fd; false on timeout.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

raw_connection::raw_connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
  int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

raw_connection::~raw_connection() { close(); }

void raw_connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool raw_connection::send(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, std::chrono::seconds(1))) return false;
    } else if (!(n < 0 && errno == EINTR)) {
      return false;
    }
  }
  return fd_ >= 0;
}

void raw_connection::shutdown_send() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

std::string raw_connection::read_some(std::chrono::milliseconds timeout, std::size_t max) {
  std::string out;
  if (fd_ < 0 || !wait_for(fd_, POLLIN, timeout)) return out;
  out.resize(max);
  auto n = ::recv(fd_, out.data(), max, MSG_DONTWAIT);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::string raw_connection::read_all(std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  while (fd_ >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_for(fd_, POLLIN, left)) break;
    auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool raw_connection::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  while (fd_ >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!wait_for(fd_, POLLIN, std::max(left, std::chrono::milliseconds(0)))) return false;  // 0: just a look
    auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return true;
  }
  return true;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  raw_connection c(port);
  if (!c.ok()) return "connect failed";
  c.send(bytes);
  c.shutdown_send();  // the server sees the end of our bytes
  return c.read_all(std::chrono::seconds(2));
}

}  // namespace cx::testing
