// A private redis-server on a free loopback port, which a test can kill and restart on the
// same port; it dies with the test binary.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/fixtures.hpp"
#include "../support/service_process.hpp"

namespace cx::testing {

std::uint16_t free_port();
bool port_open(std::uint16_t port);

// A private redis-server that the test can kill and restart on the same port.
class redis_server {
 public:
  explicit redis_server(std::uint16_t port, std::vector<std::string> extra = {}) : port_(port), extra_(std::move(extra)) {
    start();
  }
  ~redis_server() { stop(); }

  void start() {
    const char* bin = std::getenv("CODE_EXEC_TEST_REDIS_SERVER");
    std::string path = bin && *bin ? bin : "/usr/bin/redis-server";
    // Built before fork: the child of a threaded process may only call async-signal-safe functions.
    std::vector<std::string> args{path,        "--port",    std::to_string(port_), "--bind",  "127.0.0.1", "--save",
                                  "",          "--appendonly", "no",               "--loglevel", "warning", "--logfile",
                                  "/dev/null"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      die_with_parent(parent);
      ::execv(path.c_str(), argv.data());
      ::_exit(127);
    }
    ready_ = eventually([&] { return port_open(port_); }, std::chrono::seconds(5));
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool ready() const { return ready_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// A fresh directory under /tmp, removed with its contents at the end (a redis-server's AOF).
class temp_dir {
 public:
  temp_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "cx-test-XXXXXX").string();
    if (::mkdtemp(templ.data())) path_ = templ;
  }
  ~temp_dir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// redis_server's extra arguments for persistence that survives a SIGKILL: an append-only file in
// `dir`, fsynced before each write is acknowledged. They override the default "--appendonly no".
inline std::vector<std::string> aof_args(const std::string& dir) {
  return {"--appendonly", "yes", "--appendfsync", "always", "--dir", dir};
}

}  // namespace cx::testing
