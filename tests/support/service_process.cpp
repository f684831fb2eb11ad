#include "service_process.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cx::testing {

void die_with_parent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent was already gone
}

service_process::service_process(std::map<std::string, std::string> env, std::string binary,
                                 std::vector<std::string> args) {
  env.emplace("PORT", "0");
  env.emplace("BIND_ADDRESS", "127.0.0.1");
  std::vector<std::string> storage;
  for (const auto& kv : env) storage.push_back(kv.first + "=" + kv.second);
  std::vector<char*> envp;
  for (auto& s : storage) envp.push_back(s.data());
  envp.push_back(nullptr);
  // Built before fork: the child of a threaded process may only call async-signal-safe functions.
  std::vector<char*> argv{binary.data()};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return;
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    die_with_parent(parent);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { read_output(fd); });
}

service_process::~service_process() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(5));
  }
  if (reader_.joinable()) reader_.join();
}

void service_process::read_output(int fd) {
  std::string partial;
  char buf[4096];
  while (true) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
  }
  ::close(fd);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
}

bool service_process::wait_ready(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& l : lines_) {
        boost::system::error_code ec;
        auto v = boost::json::parse(l, ec);
        if (ec || !v.is_object()) continue;
        auto& o = v.as_object();
        if (o.contains("msg") && o["msg"] == "listening") {
          port_ = static_cast<std::uint16_t>(o["port"].as_int64());
          return true;
        }
      }
      if (eof_) return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void service_process::signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<int> service_process::wait_exit(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int st = 0;
    auto r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::vector<std::string> service_process::log_lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

std::string service_process::all_output() const {
  std::string out;
  for (const auto& l : log_lines()) out += l + "\n";
  return out;
}

}  // namespace cx::testing
