// One asynchronous Redis connection (hiredis's async API) driven by the io thread, so no thread
// ever blocks on Redis. Commands from any thread are pipelined on the connection; each completes
// exactly once, on the io thread, with its reply or why there is none (timeout, connection lost,
// Redis unreachable). After a failure the next command reconnects, at most once per retry
// interval, resolving the host asynchronously and sending AUTH and SELECT first.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace cx::http {
class io_runtime;
}

namespace cx::redis {

struct reply {
  enum class kind { nil, status, error, integer, string, array };
  kind type = kind::nil;
  std::string text;  // status, error and string replies
  long long integer = 0;
  std::vector<reply> elements;
};

struct result {
  std::optional<reply> value;  // empty when Redis did not answer
  std::string error;           // why not
  bool ok() const { return value.has_value(); }
};

// What a caller needs of Redis: one command, completed exactly once. `client` is the real one; the
// actor tests hand the rate limiter a scripted one.
class commands {
 public:
  virtual ~commands() = default;
  virtual void command(std::vector<std::string> args, std::function<void(result)> done) = 0;
};

class client final : public commands {
 public:
  client(http::io_runtime& io, redis_endpoint endpoint,
         std::chrono::milliseconds timeout = std::chrono::milliseconds(250),
         std::chrono::milliseconds retry_after = std::chrono::milliseconds(500));
  // Destroy it once the io runtime has stopped: commands still pending complete with an error.
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Thread-safe. `done` runs once, on the io thread.
  void command(std::vector<std::string> args, std::function<void(result)> done) override;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace cx::redis
