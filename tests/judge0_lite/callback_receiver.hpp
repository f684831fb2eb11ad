// A loopback HTTP server that records the callbacks judge0-lite sends it, one connection at a
// time, and answers each with a fixed status or never answers (until the caller gives up).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "judge0_lite_process.hpp"

namespace judge0_lite::testing {

struct received_call {
  std::string method;
  std::string target;
  header_pairs headers;
  std::string body;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& name) const { return find_header(headers, name); }
};

class callback_receiver {
 public:
  // answer_status 0: read the request and never answer.
  explicit callback_receiver(int answer_status = 200);
  ~callback_receiver();
  callback_receiver(const callback_receiver&) = delete;
  callback_receiver& operator=(const callback_receiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/callback") const;
  // Waits until `n` calls have arrived or the timeout; returns what arrived.
  std::vector<received_call> wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
  std::vector<received_call> calls() const;

 private:
  void serve();
  void handle(int fd);

  int answer_status_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<received_call> calls_;
  std::thread thread_;
};

// A loopback port with nothing listening on it (connections are refused).
std::uint16_t closed_port();

}  // namespace judge0_lite::testing
