#include "judge0_lite_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef JUDGE0_LITE_BIN
#error "JUDGE0_LITE_BIN must name the judge0-lite binary"
#endif

extern char** environ;

namespace judge0_lite::testing {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

std::string find_header(const header_pairs& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return {};
}

header_pairs parse_header_lines(const std::string& raw, std::size_t head_end) {
  header_pairs out;
  std::size_t line_start = raw.find("\r\n") + 2;
  while (line_start < head_end) {
    std::size_t line_end = raw.find("\r\n", line_start);
    std::string line = raw.substr(line_start, line_end - line_start);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::size_t v = line.find_first_not_of(' ', colon + 1);
      out.emplace_back(line.substr(0, colon), v == std::string::npos ? "" : line.substr(v));
    }
    line_start = line_end + 2;
  }
  return out;
}

json::value http_reply::json() const { return json::parse(body); }

std::string json_quote(const std::string& text) { return json::serialize(json::string(text)); }

namespace {

bool wait_fd(int fd, short events, clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

std::string decode_chunked(const std::string& body) {
  std::string out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) break;
    std::size_t size = std::stoul(body.substr(pos, eol - pos), nullptr, 16);
    if (size == 0) break;
    out += body.substr(eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return out;
}

}  // namespace

http_reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout) {
  http_reply reply;
  const auto deadline = clock_type::now() + timeout;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return reply;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    if (!wait_fd(fd, POLLIN, deadline)) {
      ::close(fd);
      return reply;  // timed out
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 9, "HTTP/1.1 ") != 0) return reply;
  reply.status = std::stoi(raw.substr(9, 3));
  reply.headers = parse_header_lines(raw, head_end);
  reply.body = raw.substr(head_end + 4);
  if (strcasecmp(reply.header("Transfer-Encoding").c_str(), "chunked") == 0) reply.body = decode_chunked(reply.body);
  return reply;
}

judge0_lite_process::judge0_lite_process(std::vector<std::string> args) {
  args.insert(args.begin(), {JUDGE0_LITE_BIN, "--port", "0"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error(std::string("cannot start judge0-lite: ") + std::strerror(rc));
  }
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  // Ends when the child exits (its end of the pipe closes).
  stderr_reader_ = std::thread([this] {
    std::string line;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(stderr_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] != '\n') {
          line += buf[i];
          continue;
        }
        std::fprintf(stderr, "[judge0-lite] %s\n", line.c_str());
        {
          std::lock_guard lock(log_mutex_);
          log_.push_back(std::move(line));
        }
        line.clear();
        log_grew_.notify_all();
      }
    }
  });
  auto read_start_line = [this] {
    std::string line;
    const auto deadline = clock_type::now() + std::chrono::seconds(20);
    char c;
    for (;;) {
      if (!wait_fd(stdout_fd_, POLLIN, deadline)) throw std::runtime_error("judge0-lite printed no start line");
      ssize_t n = ::read(stdout_fd_, &c, 1);
      if (n <= 0) throw std::runtime_error("judge0-lite exited before listening");
      if (c != '\n') {
        line += c;
        continue;
      }
      json::value v = json::parse(line);
      line.clear();
      if (v.is_object() && v.as_object().contains("msg") && v.at("msg") == "listening") {
        start_line_ = v;
        port_ = static_cast<std::uint16_t>(v.at("port").to_number<int>());
        return;
      }
    }
  };
  try {
    read_start_line();
  } catch (...) {
    // No destructor runs for an object whose constructor throws: stop the child here.
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    stderr_reader_.join();
    ::close(stdout_fd_);
    ::close(stderr_fd_);
    throw;
  }
}

judge0_lite_process::~judge0_lite_process() {
  if (pid_ > 0 && terminate(std::chrono::seconds(5)) == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stderr_reader_.joinable()) stderr_reader_.join();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

std::string judge0_lite_process::wait_for_log(const std::vector<std::string>& parts,
                                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(log_mutex_);
  std::string found;
  log_grew_.wait_for(lock, timeout, [&] {
    for (const auto& line : log_) {
      bool all = true;
      for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
      if (all) {
        found = line;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::size_t judge0_lite_process::count_log(const std::string& part) const {
  std::lock_guard lock(log_mutex_);
  std::size_t n = 0;
  for (const auto& line : log_) n += line.find(part) != std::string::npos ? 1 : 0;
  return n;
}

int judge0_lite_process::terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (clock_type::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

http_reply judge0_lite_process::get(const std::string& target,
                                    const std::vector<std::pair<std::string, std::string>>& headers) const {
  return http_call(port_, "GET", target, {}, headers);
}

http_reply judge0_lite_process::post_json(const std::string& target, const std::string& body,
                                          const std::vector<std::pair<std::string, std::string>>& headers) const {
  auto h = headers;
  h.emplace_back("Content-Type", "application/json");
  return http_call(port_, "POST", target, body, h);
}

std::string judge0_lite_process::submit(const std::string& body, const std::string& query) const {
  http_reply r = post_json("/submissions" + (query.empty() ? "" : "?" + query), body);
  if (r.status != 201) return {};
  return std::string(r.json().at("token").as_string());
}

json::value judge0_lite_process::await_result(const std::string& token, const std::string& query,
                                              std::chrono::milliseconds timeout) const {
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    http_reply r = get("/submissions/" + token + "?fields=*&" + query);
    if (r.status == 200) {
      json::value v = r.json();
      if (v.at("status").at("id").to_number<int>() >= 3) return v;
    }
    if (clock_type::now() >= deadline) return nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace judge0_lite::testing
