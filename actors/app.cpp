#include "actors/app.hpp"

#include <caf/all.hpp>

#include <unistd.h>

#include "actors/circuit_breaker.hpp"
#include "actors/convex_callback.hpp"
#include "actors/front.hpp"
#include "actors/http_messages.hpp"
#include "actors/judge0_callback_route.hpp"
#include "actors/judge0_pool.hpp"
#include "actors/policy/auth.hpp"
#include "actors/policy/routing.hpp"
#include "actors/readiness.hpp"
#include "actors/redis_rate_limiter.hpp"
#include "actors/policy/stream_lease.hpp"
#include "actors/shutdown_coordinator.hpp"
#include "actors/submission_store.hpp"
#include "actors/supervisor.hpp"
#include "actors/telemetry/log.hpp"
#include "http/client.hpp"
#include "http/redis_client.hpp"
#include "http/server.hpp"
#include "messages/atoms.hpp"

namespace cx {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "host";
  return buf;
}

// Tells each actor to stop, in the order given, and forgets it.
template <class... Handles>
void stop_actors(Handles&... hs) {
  auto stop = [](auto& h) {
    if (h) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    h = std::decay_t<decltype(h)>{};
  };
  (stop(hs), ...);
}

}  // namespace

app::app(caf::actor_system& sys, http::io_runtime& io, std::shared_ptr<const config> cfg,
         std::function<void()> on_drained)
    : client_(std::make_unique<http::client>(io)) {
  breaker_settings bs;
  bs.failure_threshold = cfg->breaker_failure_threshold;
  bs.open_ms = cfg->breaker_open.count();
  auto view = std::make_shared<breaker_view>();
  const auto time = timers::on_io(io);
  breaker_ = spawn_circuit_breaker(sys, bs, [time] { return time.now(); }, view);
  breaker_handle breaker{breaker_, view};
  convex_ = spawn_convex_callback(sys, cfg, *client_, time);
  pool_ = spawn_judge0_pool(sys, cfg, *client_, time, breaker);
  if (cfg->rate_backend == rate_limit_backend::redis) redis_ = std::make_unique<redis::client>(io, cfg->redis);
  if (cfg->submission_store == submission_store_kind::redis) {
    redis::client* commands = redis_.get();
    if (!commands || !(cfg->submission_redis == cfg->redis)) {
      store_redis_ = std::make_unique<redis::client>(io, cfg->submission_redis, kStoreCommandTimeout);
      commands = store_redis_.get();
    }
    // A blocking read holds its connection for up to a second: a command timeout beyond that.
    store_reader_ = std::make_unique<redis::client>(io, cfg->submission_redis, kTakeTimeout / 2);
    auto consumer = consumer_name(cfg->pod_name, host_name(), static_cast<std::int64_t>(::getpid()));
    log::info("submission store: redis stream", {{"consumer", consumer}});
    store_ = spawn_submission_store(sys, cfg, *commands, *store_reader_, std::move(consumer), time);
  }
  supervisor_ = spawn_supervisor(sys, cfg, convex_, pool_, time, store_);
  readiness_ = spawn_readiness(sys, cfg, *client_, time, store_);
  if (redis_) limiter_ = spawn_redis_rate_limiter(sys, cfg, *redis_);
  front_ = spawn_front(sys, cfg, front_deps{breaker, supervisor_, readiness_, limiter_, time});
  coordinator_ = spawn_shutdown_coordinator(sys, cfg, front_, supervisor_, time, std::move(on_drained));

  http::server_options opts;
  opts.bind_address = cfg->bind_address;
  opts.port = cfg->port;
  opts.max_body_bytes = cfg->max_body_bytes;
  opts.max_connections = cfg->max_connections;
  // Only a judge route's POST with a valid key (or auth off) gets its body read; every other
  // request is answered (404, 405, 401) from its headers. Signatures are checked in the front.
  opts.wants_body = [cfg](const http::request& head) {
    auto r = match_route(head.method, head.path()).r;
    if (head.method != "POST" || (r != route::judge_question && r != route::judge)) return false;
    return cfg->auth_disabled || match_api_key(cfg->api_keys, head.header_value("X-Code-Exec-Key")) >= 0;
  };
  front_actor front = front_;
  server_ = std::make_unique<http::server>(io, opts, [front](http::request req, http::responder_ptr reply) {
    caf::anon_send(front, incoming_request{std::move(req), std::move(reply), std::chrono::steady_clock::now()});
  });
  if (cfg->judge0_callbacks) {
    http::server_options cb;
    cb.bind_address = cfg->bind_address;
    cb.port = cfg->judge0_callback_port;
    cb.max_body_bytes = 16 << 20;  // Judge0 sends the program's whole output back
    cb.max_connections = 256;       // Judge0's workers, each with one PUT at a time
    // Only a PUT to a callback path gets its body read; anything else is a 404 from its headers.
    cb.wants_body = [](const http::request& head) {
      return head.method == "PUT" && parse_callback_path(head.path()).has_value();
    };
    callback_server_ = std::make_unique<http::server>(io, cb, judge0_callback_handler(pool_));
    log::info("judge0 callback listener", {{"port", callback_server_->port()}});
  }
}

app::~app() { stop(); }

std::uint16_t app::port() const { return server_->port(); }

std::uint16_t app::callback_port() const { return callback_server_ ? callback_server_->port() : 0; }

void app::begin_shutdown() { caf::anon_send(coordinator_, signal_atom::value); }

void app::stop() {
  if (server_) server_->close();
  if (callback_server_) callback_server_->close();
  stop_actors(coordinator_, front_, limiter_, readiness_, supervisor_, store_, pool_, convex_, breaker_);
}

}  // namespace cx
