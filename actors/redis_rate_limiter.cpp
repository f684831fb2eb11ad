#include "actors/redis_rate_limiter.hpp"

#include <caf/all.hpp>

#include <openssl/sha.h>

#include <cmath>
#include <functional>
#include <unordered_map>

#include "actors/telemetry/log.hpp"
#include "http/redis_client.hpp"
#include "messages/atoms.hpp"
#include "messages/rate_messages.hpp"

// The Redis connection's answer, back to this actor as (redis_done_atom, id, result).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::redis::result)

namespace cx {
namespace {

// KEYS[1] bucket; ARGV: tokens per ms, burst. Redis' own clock keeps every pod consistent.
const std::string kScript = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 't', 'l')
local tokens = tonumber(b[1])
local last = tonumber(b[2])
if tokens == nil or last == nil then tokens = burst; last = now end
if now > last then tokens = math.min(burst, tokens + (now - last) * rate); last = now end
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'l', tostring(last))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {allowed, tostring(tokens)}
)lua";

struct redis_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  redis_state() = default;
  std::shared_ptr<const config> cfg;
  redis::commands* redis = nullptr;
  std::string sha;
  bool healthy = true;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::function<void(redis::result&)>> pending;
  static constexpr const char* name = "redis_rate_limiter";
};

// The conversation plus the Redis answers coming back from the io thread.
using limiter_impl = rate_limiter_actor::extend<caf::reacts_to<redis_done_atom, std::uint64_t, redis::result>>;
using limiter_actor = limiter_impl::stateful_pointer<redis_state>;

// Sends one command; its answer comes back to this actor as (redis_done_atom, id, result).
void call(limiter_actor self, std::vector<std::string> args, std::function<void(redis::result&)> k) {
  auto id = ++self->state.next_id;
  self->state.pending.emplace(id, std::move(k));
  self->state.redis->command(std::move(args), [me = caf::actor_cast<caf::actor>(self), id](redis::result r) {
    caf::anon_send(me, redis_done_atom::value, id, std::move(r));
  });
}

// Logs once when Redis goes away and once when it is back; true when it answered.
bool note_health(limiter_actor self, const redis::result& r) {
  auto& st = self->state;
  bool answered = r.ok() && r.value->type != redis::reply::kind::error;
  if (!answered && st.healthy) {
    st.healthy = false;
    log::error("redis rate limiter unavailable",
               {{"error", r.ok() ? r.value->text : r.error}, {"fail_open", st.cfg->rate_limit_fail_open}});
  } else if (answered && !st.healthy) {
    st.healthy = true;
    log::info("redis rate limiter recovered");
  }
  return answered;
}

std::optional<rate_decision> to_decision(const redis::reply& r, const config& cfg) {
  if (r.type != redis::reply::kind::array || r.elements.size() != 2 ||
      r.elements[0].type != redis::reply::kind::integer || r.elements[1].type != redis::reply::kind::string)
    return std::nullopt;
  const double rate = cfg.rate_limit_per_minute / 60000.0;
  rate_decision d;
  d.allowed = r.elements[0].integer == 1;
  double tokens = std::atof(r.elements[1].text.c_str());
  d.remaining = static_cast<std::int64_t>(std::floor(tokens));
  if (!d.allowed)
    d.retry_after_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rate / 1000.0)));
  d.reset_s = static_cast<std::int64_t>(std::ceil((cfg.rate_limit_burst - tokens) / rate / 1000.0));
  return d;
}

void decide(limiter_actor self, const std::string& key, caf::typed_response_promise<rate_answer> rp, bool by_sha) {
  const auto& cfg = *self->state.cfg;
  std::vector<std::string> args{by_sha ? "EVALSHA" : "EVAL", by_sha ? self->state.sha : rate_limit_script(), "1",
                                "code-exec:rl:" + key, std::to_string(cfg.rate_limit_per_minute / 60000.0),
                                std::to_string(cfg.rate_limit_burst)};
  call(self, std::move(args), [self, key, rp, by_sha](redis::result& r) mutable {
    // A Redis that restarted has forgotten the script: send it once in full.
    if (by_sha && r.ok() && r.value->type == redis::reply::kind::error && r.value->text.rfind("NOSCRIPT", 0) == 0)
      return decide(self, key, rp, false);
    rate_answer a;
    auto d = note_health(self, r) ? to_decision(*r.value, *self->state.cfg) : std::nullopt;
    if (d) a.decision = *d;
    else a.backend_failed = true;
    rp.deliver(a);
  });
}

limiter_impl::behavior_type redis_rate_limiter(limiter_actor self, std::shared_ptr<const config> cfg, redis::commands* redis) {
  self->state.cfg = cfg;
  self->state.redis = redis;
  self->state.sha = sha1_hex(rate_limit_script());
  return {
      [self](rate_atom, const std::string& key) -> caf::result<rate_answer> {
        auto rp = self->make_response_promise<rate_answer>();
        decide(self, key, rp, true);
        return rp;
      },
      // SET NX: the first pod to store the signature wins; the key expires with the signature.
      [self](replay_atom, const std::string& signature, std::int64_t ttl_s) -> caf::result<replay_answer> {
        auto rp = self->make_response_promise<replay_answer>();
        call(self, {"SET", "code-exec:sig:" + signature, "1", "NX", "EX", std::to_string(ttl_s)},
             [self, rp](redis::result& r) mutable {
               replay_answer a;
               if (!note_health(self, r)) a.backend_failed = true;
               else if (r.value->type == redis::reply::kind::status) a.first_use = true;
               else if (r.value->type == redis::reply::kind::nil) a.first_use = false;
               else a.backend_failed = true;
               rp.deliver(a);
             });
        return rp;
      },
      [self](redis_done_atom, std::uint64_t id, redis::result& r) {
        auto it = self->state.pending.find(id);
        if (it == self->state.pending.end()) return;
        auto k = std::move(it->second);
        self->state.pending.erase(it);
        k(r);
      },
  };
}

}  // namespace

const std::string& rate_limit_script() { return kScript; }

std::string sha1_hex(const std::string& text) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

rate_limiter_actor spawn_redis_rate_limiter(caf::actor_system& sys, std::shared_ptr<const config> cfg, redis::commands& redis) {
  return sys.spawn(redis_rate_limiter, std::move(cfg), &redis);
}

}  // namespace cx
