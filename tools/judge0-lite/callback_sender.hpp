// Judge0 CE 1.13.1's callback_url delivery: `PUT <url>` with Content-Type: application/json,
// up to max_tries attempts of `timeout` each, the next one at once and only after an exception
// (connect error, timeout, broken answer). Any HTTP answer, 4xx and 5xx included, ends it.
// Failures are logged and otherwise forgotten, as Judge0 does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/client.hpp"
#include "http/io_runtime.hpp"

namespace judge0_lite {

class callback_sender {
 public:
  struct settings {
    int max_tries = 3;                          // CALLBACKS_MAX_TRIES
    std::chrono::milliseconds timeout{5000};    // CALLBACKS_TIMEOUT
    std::size_t max_pending = 1000;             // beyond this, new callbacks are dropped and logged
  };

  // Runs on its own I/O thread, so a slow receiver never holds up HTTP handling or workers.
  explicit callback_sender(settings s);
  ~callback_sender();
  callback_sender(const callback_sender&) = delete;
  callback_sender& operator=(const callback_sender&) = delete;

  // Never blocks. `token` is only for the log lines.
  void send(std::string token, std::string url, std::string body);
  // Abandons callbacks still under way. Idempotent.
  void stop();

 private:
  struct delivery;
  void attempt(const std::shared_ptr<delivery>& d);
  void answered(const std::shared_ptr<delivery>& d, const cx::http::client_response& r);

  settings settings_;
  cx::http::io_runtime io_;
  cx::http::client client_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace judge0_lite
