// Runs the real code-exec binary on a free loopback port and collects its JSON log lines.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cx::testing {

// Call first in a forked child: it is then killed when the test binary ends, however that ends
// (a crash or ctest's timeout included). `parent` is the test binary's pid, taken before fork.
void die_with_parent(pid_t parent);

class service_process {
 public:
  // `env` is added to a minimal environment; PORT=0 and BIND_ADDRESS=127.0.0.1 unless given.
  explicit service_process(std::map<std::string, std::string> env, std::string binary = CODE_EXEC_BIN,
                           std::vector<std::string> args = {});
  ~service_process();

  // Waits for the "listening" line; false when the process exited or timed out instead.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }

  void signal(int sig);
  // Exit status (128 + signal when killed), or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::vector<std::string> log_lines() const;
  std::string all_output() const;

 private:
  void read_output(int fd);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::optional<int> status_;
};

}  // namespace cx::testing
