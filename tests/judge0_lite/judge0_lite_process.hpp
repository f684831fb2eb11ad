// Starts the built judge0-lite binary on --port 0 and talks HTTP/1.1 to it (127.0.0.1 only).
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <sys/types.h>
#include <vector>

namespace judge0_lite::testing {

using header_pairs = std::vector<std::pair<std::string, std::string>>;

// The "Name: value" lines of an HTTP head, from the line after the start line up to `head_end`
// (where "\r\n\r\n" begins).
header_pairs parse_header_lines(const std::string& raw, std::size_t head_end);
// The first header of that name, any case; empty when absent.
std::string find_header(const header_pairs& headers, const std::string& name);

struct http_reply {
  int status = 0;  // 0: no answer (connection failed or timed out)
  header_pairs headers;
  std::string body;

  std::string header(const std::string& name) const { return find_header(headers, name); }
  boost::json::value json() const;  // throws when the body is not JSON
};

http_reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = {}, const std::vector<std::pair<std::string, std::string>>& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

class judge0_lite_process {
 public:
  // Starts the binary with --port 0 plus `args` and waits for its "listening" line.
  explicit judge0_lite_process(std::vector<std::string> args = {});
  ~judge0_lite_process();
  judge0_lite_process(const judge0_lite_process&) = delete;
  judge0_lite_process& operator=(const judge0_lite_process&) = delete;

  std::uint16_t port() const { return port_; }
  const boost::json::value& start_line() const { return start_line_; }

  http_reply get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  http_reply post_json(const std::string& target, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

  // POSTs and returns the token (empty on failure).
  std::string submit(const std::string& body, const std::string& query = "") const;
  // Polls GET /submissions/{token}?fields=*&... until the status id is >= 3 or the timeout.
  boost::json::value await_result(const std::string& token, const std::string& query = "base64_encoded=false",
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // Waits for a line on its stderr that contains every one of `parts`; empty on timeout. The
  // lines are echoed to the test's stderr as they come.
  std::string wait_for_log(const std::vector<std::string>& parts, std::chrono::milliseconds timeout) const;
  // How many stderr lines so far contain `part`.
  std::size_t count_log(const std::string& part) const;

  // Sends SIGTERM and waits; returns the exit status as from waitpid, or -1 on timeout.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::thread stderr_reader_;
  mutable std::mutex log_mutex_;
  mutable std::condition_variable log_grew_;
  std::vector<std::string> log_;
  std::uint16_t port_ = 0;
  boost::json::value start_line_;
};

// A JSON string literal for embedding source code in a request body.
std::string json_quote(const std::string& text);

}  // namespace judge0_lite::testing
