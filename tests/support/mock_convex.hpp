// A Convex stand-in for tests: serves questions, records every callback, injects faults.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <vector>

#include "http/io_runtime.hpp"
#include "http/server.hpp"

namespace cx::testing {

struct recorded_call {
  std::string route;
  std::string body;
  http::header_list headers;
  int answered = 0;
};

class mock_convex {
 public:
  mock_convex();
  ~mock_convex();

  std::string url() const;

  // A question answered on /coding/testcases (and the personalized route).
  void add_question(const std::string& id, const std::string& testcases_json);
  // Public testcases each expecting its stdin echoed; `hidden` marks the last one hidden.
  void add_echo_question(const std::string& id, int count, bool hidden_last = false);
  // The next `count` calls to `route` answer `status` (0 = hang for `delay`), with a Retry-After
  // header when `retry_after` is not empty.
  void fail(const std::string& route, int status, int count, std::chrono::milliseconds delay = {},
            std::string retry_after = {});
  void reset_faults();

  std::vector<recorded_call> calls(const std::string& route) const;
  // Results Convex accepted (2xx), per submission id.
  std::map<std::string, int> accepted_results() const;
  std::string last_result_body(const std::string& submission_id) const;
  // Waits until `n` results were accepted, or the timeout passes.
  bool wait_results(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  http::response handle(const http::request& req, recorded_call& call);

  struct fault {
    int status = 0;
    int count = 0;
    std::chrono::milliseconds delay{0};
    std::string retry_after;
  };

  http::io_runtime io_;
  std::unique_ptr<http::server> server_;
  mutable std::mutex mutex_;
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;  // delayed answers; joined on destruction
  mutable std::condition_variable changed_;
  std::map<std::string, std::string> questions_;
  std::map<std::string, fault> faults_;
  std::vector<recorded_call> calls_;
  std::map<std::string, int> accepted_;
  std::map<std::string, std::string> last_result_;
};

}  // namespace cx::testing
