#include "callback_receiver.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace judge0_lite::testing {

using clock_type = std::chrono::steady_clock;

namespace {

int listen_on_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// Waits up to 100 ms; false on timeout or error.
bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 100) > 0;
}

}  // namespace

std::uint16_t closed_port() {
  std::uint16_t port = 0;
  ::close(listen_on_loopback(port));
  return port;
}

callback_receiver::callback_receiver(int answer_status) : answer_status_(answer_status) {
  listen_fd_ = listen_on_loopback(port_);
  thread_ = std::thread([this] { serve(); });
}

callback_receiver::~callback_receiver() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string callback_receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<received_call> callback_receiver::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return calls_.size() >= n; });
  return calls_;
}

std::vector<received_call> callback_receiver::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void callback_receiver::serve() {
  while (!stopping_) {
    if (!readable(listen_fd_)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void callback_receiver::handle(int fd) {
  std::string raw;
  char buf[65536];
  std::size_t head_end = std::string::npos;
  std::size_t length = 0;
  // Bounded by the stop flag: a peer that sends nothing keeps this loop polling only until then.
  while (!stopping_) {
    if (head_end != std::string::npos && raw.size() >= head_end + 4 + length) break;
    if (!readable(fd)) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    raw.append(buf, static_cast<std::size_t>(n));
    if (head_end == std::string::npos && (head_end = raw.find("\r\n\r\n")) != std::string::npos) {
      std::size_t pos = raw.find("content-length:");
      if (pos == std::string::npos) pos = raw.find("Content-Length:");
      if (pos != std::string::npos && pos < head_end) length = std::stoul(raw.substr(pos + 15));
    }
  }
  if (head_end == std::string::npos) return;
  received_call call;
  call.at = clock_type::now();
  std::size_t line_end = raw.find("\r\n");
  std::string request_line = raw.substr(0, line_end);
  std::size_t sp1 = request_line.find(' ');
  std::size_t sp2 = request_line.find(' ', sp1 + 1);
  call.method = request_line.substr(0, sp1);
  call.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  call.headers = parse_header_lines(raw, head_end);
  call.body = raw.substr(head_end + 4, length);
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }
  arrived_.notify_all();
  if (answer_status_ == 0) {
    // Never answer: hold the connection until the sender gives up and closes it.
    while (!stopping_) {
      if (readable(fd) && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
    }
    return;
  }
  std::string reply = "HTTP/1.1 " + std::to_string(answer_status_) +
                      " Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
}

}  // namespace judge0_lite::testing
