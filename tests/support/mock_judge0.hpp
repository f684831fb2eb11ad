// A scriptable Judge0 CE stand-in: statuses In Queue -> Processing -> terminal over several
// polls, base64 with a line break every 60 characters, scripted verdicts and injected faults.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/io_runtime.hpp"
#include "http/server.hpp"

namespace cx::testing {

struct judge0_verdict {
  int status_id = 3;
  std::string stdout_text;
  std::optional<std::string> stderr_text;
  std::optional<std::string> compile_output;
  std::optional<std::string> message;
  int polls_before_done = 2;  // answers In Queue, then Processing, then this
};

// How the mock answers a create's callback_url: Judge0's worker PUTs the final submission.
struct judge0_callback_faults {
  bool drop = false;                      // never sent: only the fallback poll can finish the job
  std::chrono::milliseconds delay{0};     // from the create to the PUT (the job's run time)
  int copies = 1;                         // duplicates
  bool corrupt = false;                   // a body that is not JSON
  // With delay(d): the PUT goes out as the create arrives, d before its 201 answer.
  bool before_create_answer = false;
};

struct judge0_submission {
  std::string source;
  std::string stdin_text;
  std::string raw_body;
};

class mock_judge0 {
 public:
  mock_judge0();
  ~mock_judge0();

  std::string url() const;

  // Decides each submission's verdict; default: echo stdin as stdout, Accepted.
  void script(std::function<judge0_verdict(const judge0_submission&)> f);
  // Every POST /submissions answers this status and body (0 = normal behaviour).
  void fail_submits(int status, std::string body, int count = 1 << 30);
  void fail_polls(int status, std::string body, int count = 1 << 30);
  void fail_languages(int status);  // GET /languages answers `status` from now on
  // Delay before answering any request (a hang when longer than the client's timeout).
  void delay(std::chrono::milliseconds d);
  void never_finish(bool on);  // submissions stay In Queue forever
  void reset_faults();
  void callbacks(judge0_callback_faults f);
  int callbacks_sent() const { return callbacks_sent_; }
  std::vector<int> callback_statuses() const;  // code-exec's answer to each PUT, in order

  int submits() const { return submits_; }
  int language_probes() const { return language_probes_; }  // GET /languages, the readiness probe
  int max_in_flight() const { return max_in_flight_; }
  int in_flight() const;
  std::string last_submit_body() const;
  std::string last_auth_token() const;
  std::string last_submit_target() const;  // path and query of the last POST /submissions
  std::string last_poll_target() const;    // path and query of the last GET /submissions/{token}
  // When each GET /submissions/{token} of `token` arrived, in order.
  std::vector<std::chrono::steady_clock::time_point> poll_times(const std::string& token) const;
  std::chrono::steady_clock::time_point created_at(const std::string& token) const;  // its POST's arrival

 private:
  http::response handle(const http::request& req);
  void start_callbacks();  // sends what handle() queued, each from its own worker thread

  struct queued_callback {
    std::string url;
    std::string body;
  };

  struct entry {
    judge0_submission sub;
    judge0_verdict verdict;
    int polls = 0;
    bool done = false;
    std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  };

  http::io_runtime io_;
  std::unique_ptr<http::server> server_;
  mutable std::mutex mutex_;
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;  // delayed answers; joined on destruction
  std::function<judge0_verdict(const judge0_submission&)> script_;
  std::map<std::string, entry> entries_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> poll_times_;
  int submit_fault_status_ = 0, submit_fault_count_ = 0, poll_fault_status_ = 0, poll_fault_count_ = 0;
  std::string submit_fault_body_, poll_fault_body_, last_submit_body_, last_auth_;
  std::string last_submit_target_, last_poll_target_;
  std::chrono::milliseconds delay_{0};
  bool never_finish_ = false;
  std::atomic<int> submits_{0};
  std::atomic<int> language_probes_{0};
  int languages_status_ = 200;
  std::atomic<int> max_in_flight_{0};
  std::uint64_t next_token_ = 0;
  judge0_callback_faults callback_faults_;
  std::vector<queued_callback> queued_callbacks_;
  std::vector<int> callback_statuses_;
  std::atomic<int> callbacks_sent_{0};
};

}  // namespace cx::testing
