// The shared rate limiter on Redis: one atomic Lua token bucket per decision (EVALSHA, with
// EVAL on NOSCRIPT), on the service's asynchronous Redis connection (http/redis_client), so it
// never blocks a thread. Its conversation: messages/rate_limiter_interface.hpp.
#pragma once

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "config/config.hpp"
#include "messages/rate_limiter_interface.hpp"

namespace cx::redis {
class commands;
}

namespace cx {

// The Lua script and its SHA1, exposed for tests.
const std::string& rate_limit_script();
std::string sha1_hex(const std::string& text);

rate_limiter_actor spawn_redis_rate_limiter(caf::actor_system& sys, std::shared_ptr<const config> cfg, redis::commands& redis);

}  // namespace cx
