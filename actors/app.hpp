// Wires config -> actors -> HTTP server. Used by main.cpp and by the in-process actor tests.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>

#include "actors/front_interface.hpp"
#include "messages/supervisor_interface.hpp"
#include "config/config.hpp"
#include "messages/breaker_interface.hpp"
#include "messages/convex_interface.hpp"
#include "messages/judge0_pool_interface.hpp"
#include "messages/rate_limiter_interface.hpp"
#include "messages/readiness_interface.hpp"
#include "messages/shutdown_interface.hpp"
#include "messages/store_interface.hpp"

namespace cx {
namespace http {
class io_runtime;
class client;
class server;
}  // namespace http
namespace redis {
class client;
}

class app {
 public:
  // Spawns every long-lived actor and starts listening; throws std::runtime_error when the
  // port cannot be bound. on_drained runs (on an actor thread) when shutdown has finished.
  app(caf::actor_system& sys, http::io_runtime& io, std::shared_ptr<const config> cfg,
      std::function<void()> on_drained);
  ~app();

  std::uint16_t port() const;
  // The Judge0 callback listener's port; 0 with JUDGE0_CALLBACKS=off.
  std::uint16_t callback_port() const;
  // First signal: begin the graceful drain.
  void begin_shutdown();
  // Stop listening and end every long-lived actor.
  void stop();

 private:
  std::unique_ptr<http::client> client_;
  std::unique_ptr<http::server> server_;
  // One command connection for the rate limiter and the submission store (when both use Redis
  // at the same address), and the store's own for its blocking reads.
  std::unique_ptr<redis::client> redis_;
  std::unique_ptr<redis::client> store_redis_;  // the store's, when its Redis is another
  std::unique_ptr<redis::client> store_reader_;
  std::unique_ptr<http::server> callback_server_;  // Judge0's PUTs; never behind the front's auth
  breaker_actor breaker_;
  convex_actor convex_;
  judge0_pool_actor pool_;
  readiness_actor readiness_;
  rate_limiter_actor limiter_;
  store_actor store_;  // SUBMISSION_STORE=redis
  supervisor_actor supervisor_;
  front_actor front_;
  shutdown_actor coordinator_;
};

}  // namespace cx
