#include "actors/redis_rate_limiter.hpp"

#include <caf/all.hpp>

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include <cmath>

#include "http/log.hpp"
#include "messages/atoms.hpp"
#include "messages/rate_messages.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

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
  redisContext* ctx = nullptr;
  std::string sha;
  bool healthy = true;
  steady::time_point retry_at{};
  static constexpr const char* name = "redis_rate_limiter";

  ~redis_state() {
    if (ctx) redisFree(ctx);
  }
};

using limiter_actor = caf::stateful_actor<redis_state>;

constexpr auto kRetryConnectAfter = std::chrono::milliseconds(500);
constexpr timeval kTimeout{0, 250000};

void mark_down(redis_state& st, const std::string& why) {
  if (st.ctx) {
    redisFree(st.ctx);
    st.ctx = nullptr;
  }
  st.retry_at = steady::now() + kRetryConnectAfter;
  if (st.healthy) {
    st.healthy = false;
    log::error("redis rate limiter unavailable",
               {{"error", why}, {"fail_open", st.cfg->rate_limit_fail_open}});
  }
}

// A set-up command's reply: frees it; on failure marks Redis down (the reply text never holds
// the password).
bool command_ok(redis_state& st, redisReply* reply, const char* what) {
  if (reply && reply->type != REDIS_REPLY_ERROR) {
    freeReplyObject(reply);
    return true;
  }
  std::string why = std::string(what) + " failed: " + (reply ? std::string(reply->str, reply->len) : st.ctx->errstr);
  if (reply) freeReplyObject(reply);
  mark_down(st, why);
  return false;
}

bool ensure_connected(redis_state& st) {
  if (st.ctx) return true;
  if (steady::now() < st.retry_at) return false;
  const auto& ep = st.cfg->redis;
  st.ctx = redisConnectWithTimeout(ep.host.c_str(), ep.port, kTimeout);
  if (!st.ctx || st.ctx->err) {
    mark_down(st, st.ctx ? st.ctx->errstr : "connect failed");
    return false;
  }
  redisSetTimeout(st.ctx, kTimeout);
  if (!ep.password.empty()) {
    auto* auth = static_cast<redisReply*>(
        ep.user.empty() ? redisCommand(st.ctx, "AUTH %b", ep.password.data(), ep.password.size())
                        : redisCommand(st.ctx, "AUTH %b %b", ep.user.data(), ep.user.size(), ep.password.data(),
                                       ep.password.size()));
    if (!command_ok(st, auth, "AUTH")) return false;
  }
  if (ep.db != 0 && !command_ok(st, static_cast<redisReply*>(redisCommand(st.ctx, "SELECT %d", ep.db)), "SELECT"))
    return false;
  return true;
}

std::optional<rate_decision> decide(redis_state& st, const std::string& key) {
  if (!ensure_connected(st)) return std::nullopt;
  const double rate = st.cfg->rate_limit_per_minute / 60000.0;
  const auto rate_s = std::to_string(rate);
  const auto burst_s = std::to_string(st.cfg->rate_limit_burst);
  const auto redis_key = "code-exec:rl:" + key;
  auto* reply = static_cast<redisReply*>(redisCommand(st.ctx, "EVALSHA %s 1 %b %s %s", st.sha.c_str(),
                                                      redis_key.data(), redis_key.size(), rate_s.c_str(),
                                                      burst_s.c_str()));
  if (reply && reply->type == REDIS_REPLY_ERROR && std::string(reply->str, reply->len).rfind("NOSCRIPT", 0) == 0) {
    freeReplyObject(reply);
    reply = static_cast<redisReply*>(redisCommand(st.ctx, "EVAL %s 1 %b %s %s", kScript.c_str(), redis_key.data(),
                                                  redis_key.size(), rate_s.c_str(), burst_s.c_str()));
  }
  if (!reply) {
    mark_down(st, st.ctx->errstr);
    return std::nullopt;
  }
  std::optional<rate_decision> out;
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 && reply->element[0]->type == REDIS_REPLY_INTEGER &&
      reply->element[1]->type == REDIS_REPLY_STRING) {
    rate_decision d;
    d.allowed = reply->element[0]->integer == 1;
    double tokens = std::atof(reply->element[1]->str);
    d.remaining = static_cast<std::int64_t>(std::floor(tokens));
    if (!d.allowed)
      d.retry_after_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rate / 1000.0)));
    d.reset_s = static_cast<std::int64_t>(std::ceil((st.cfg->rate_limit_burst - tokens) / rate / 1000.0));
    out = d;
  } else {
    std::string why = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : "unexpected reply";
    freeReplyObject(reply);
    mark_down(st, why);
    return std::nullopt;
  }
  freeReplyObject(reply);
  if (!st.healthy) {
    st.healthy = true;
    log::info("redis rate limiter recovered");
  }
  return out;
}

// SET NX: the first pod to store the signature wins; the key expires with the signature.
std::optional<bool> first_use(redis_state& st, const std::string& signature, std::int64_t ttl_s) {
  if (!ensure_connected(st)) return std::nullopt;
  const auto key = "code-exec:sig:" + signature;
  const auto ttl = std::to_string(ttl_s);
  auto* reply = static_cast<redisReply*>(
      redisCommand(st.ctx, "SET %b 1 NX EX %s", key.data(), key.size(), ttl.c_str()));
  if (!reply) {
    mark_down(st, st.ctx->errstr);
    return std::nullopt;
  }
  std::optional<bool> out;
  if (reply->type == REDIS_REPLY_STATUS) out = true;
  else if (reply->type == REDIS_REPLY_NIL) out = false;
  std::string why = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : "unexpected reply";
  freeReplyObject(reply);
  if (!out) mark_down(st, why);
  return out;
}

caf::behavior redis_rate_limiter(limiter_actor* self, std::shared_ptr<const config> cfg) {
  self->state.cfg = cfg;
  self->state.sha = sha1_hex(kScript);
  return {
      [self](rate_atom, const std::string& key) {
        rate_answer a;
        if (auto d = decide(self->state, key)) a.decision = *d;
        else a.backend_failed = true;
        return a;
      },
      [self](replay_atom, const std::string& signature, std::int64_t ttl_s) {
        replay_answer a;
        if (auto first = first_use(self->state, signature, ttl_s)) a.first_use = *first;
        else a.backend_failed = true;
        return a;
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

caf::actor spawn_redis_rate_limiter(caf::actor_system& sys, std::shared_ptr<const config> cfg) {
  return sys.spawn<caf::detached>(redis_rate_limiter, std::move(cfg));
}

}  // namespace cx
