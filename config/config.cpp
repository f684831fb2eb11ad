#include "config/config.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "actors/telemetry/log.hpp"
#include "messages/url.hpp"

namespace cx {
namespace {

struct bad_value : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class reader {
 public:
  explicit reader(const env_lookup& env) : env_(env) {}

  std::optional<std::string> raw(const std::string& name) const {
    auto v = env_(name);
    if (v && v->empty()) return std::nullopt;  // empty means "use the default"
    return v;
  }

  [[noreturn]] static void fail(const std::string& name, const std::string& value,
                                const std::string& expected) {
    // A URL's userinfo (a Redis password, say) never reaches the start-up error line.
    throw bad_value(name + " must be " + expected + " (got \"" + log::mask_url_userinfo(value) + "\")");
  }

  long long integer(const std::string& name, long long def, long long lo, long long hi) const {
    auto v = raw(name);
    if (!v) return def;
    long long out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (ec != std::errc{} || p != v->data() + v->size()) fail(name, *v, range);
    if (out < lo || out > hi) fail(name, *v, range);
    return out;
  }

  millis ms(const std::string& name, millis def, long long lo, long long hi) const {
    return millis(integer(name, def.count(), lo, hi));
  }

  bool boolean(const std::string& name, bool def) const {
    auto v = raw(name);
    if (!v) return def;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    fail(name, *v, "true or false");
  }

  std::string text(const std::string& name, const std::string& def) const {
    auto v = raw(name);
    return v ? *v : def;
  }

  std::vector<std::string> list(const std::string& name) const {
    std::vector<std::string> out;
    auto v = raw(name);
    if (!v) return out;
    std::size_t start = 0;
    while (start <= v->size()) {
      auto comma = v->find(',', start);
      if (comma == std::string::npos) comma = v->size();
      auto item = v->substr(start, comma - start);
      auto b = item.find_first_not_of(" \t");
      auto e = item.find_last_not_of(" \t");
      if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
      start = comma + 1;
    }
    return out;
  }

  std::string url(const std::string& name, const std::string& def, bool required) const {
    auto v = raw(name);
    if (!v) {
      if (required) throw bad_value(name + " is required (an http:// or https:// URL)");
      return def;
    }
    auto parsed = parse_url(*v);
    if (!parsed) fail(name, *v, "an http:// or https:// URL");
    std::string out = *v;
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
  }

 private:
  const env_lookup& env_;
};

constexpr long long kMaxMs = 24LL * 3600 * 1000;

}  // namespace

config_result parse_config(const env_lookup& env) {
  reader r(env);
  config c;
  try {
    c.port = static_cast<std::uint16_t>(r.integer("PORT", 4001, 0, 65535));
    c.bind_address = r.text("BIND_ADDRESS", "0.0.0.0");
    c.judge0_base_url = r.url("JUDGE0_BASE_URL", "http://localhost:2358", false);
    c.judge0_api_key = r.text("JUDGE0_API_KEY", "");
    auto request_timeout = r.ms("REQUEST_TIMEOUT_MS", millis{15000}, 1, kMaxMs);
    c.judge0_timeout = r.ms("JUDGE0_TIMEOUT_MS", request_timeout, 1, kMaxMs);
    c.judge0_poll_interval = r.ms("JUDGE0_POLL_INTERVAL_MS", millis{500}, 1, 60000);
    c.judge0_max_inflight = static_cast<int>(r.integer("JUDGE0_MAX_INFLIGHT", 16, 1, 4096));
    c.judge0_internal_error_retries = static_cast<int>(r.integer("JUDGE0_INTERNAL_ERROR_RETRIES", 1, 0, 10));
    c.judge0_max_cpu_time_limit = static_cast<int>(r.integer("JUDGE0_MAX_CPU_TIME_LIMIT", 15, 1, 3600));
    c.judge0_max_wall_time_limit = static_cast<int>(r.integer("JUDGE0_MAX_WALL_TIME_LIMIT", 20, 1, 3600));
    c.judge0_max_memory_limit_kb =
        static_cast<int>(r.integer("JUDGE0_MAX_MEMORY_LIMIT_KB", 512000, 2048, 64 * 1024 * 1024));
    c.judge0_min_poll_interval = r.ms("JUDGE0_MIN_POLL_INTERVAL_MS", millis{1000}, 0, 60000);
    auto callbacks = r.text("JUDGE0_CALLBACKS", "off");
    if (callbacks != "off" && callbacks != "on") reader::fail("JUDGE0_CALLBACKS", callbacks, "\"off\" or \"on\"");
    c.judge0_callbacks = callbacks == "on";
    c.judge0_callback_port = static_cast<std::uint16_t>(r.integer("JUDGE0_CALLBACK_PORT", 4002, 0, 65535));
    c.judge0_callback_base_url = r.url("JUDGE0_CALLBACK_BASE_URL", "", c.judge0_callbacks);
    if (c.judge0_callbacks) {
      // The listener speaks plain HTTP and serves only /judge0/callbacks/...: any other base
      // would turn every callback into a 404 that only the slow fallback poll recovers from.
      auto base = parse_url(c.judge0_callback_base_url);
      if (base && (base->tls || (base->target != "/" && !base->target.empty())))
        reader::fail("JUDGE0_CALLBACK_BASE_URL", c.judge0_callback_base_url,
                     "an http:// URL of the callback listener with no path");
      if (c.judge0_callback_port == 0 || c.judge0_callback_port == c.port)
        reader::fail("JUDGE0_CALLBACK_PORT", std::to_string(c.judge0_callback_port),
                     "a fixed port other than PORT (JUDGE0_CALLBACK_BASE_URL names it)");
    }
    c.judge0_callback_fallback_poll = r.ms("JUDGE0_CALLBACK_FALLBACK_POLL_MS", millis{5000}, 1, kMaxMs);
    c.convex_site_url = r.url("CONVEX_SITE_URL", "", true);
    c.convex_timeout = r.ms("CONVEX_TIMEOUT_MS", millis{5000}, 1, kMaxMs);
    c.convex_health_path = r.text("CONVEX_HEALTH_PATH", "/");
    if (c.convex_health_path.front() != '/')
      reader::fail("CONVEX_HEALTH_PATH", c.convex_health_path, "a path starting with /");
    c.callback_max_attempts = static_cast<int>(r.integer("CALLBACK_MAX_ATTEMPTS", 8, 1, 100));
    c.max_body_bytes = static_cast<std::size_t>(r.integer("MAX_BODY_BYTES", 1048576, 1024, 1LL << 30));
    c.max_connections = static_cast<std::size_t>(r.integer("MAX_CONNECTIONS", 1024, 1, 1000000));
    c.max_source_bytes = static_cast<std::size_t>(r.integer("MAX_SOURCE_BYTES", 200000, 1, 1LL << 30));
    c.max_testcases = static_cast<int>(r.integer("MAX_TESTCASES", 50, 1, 100000));
    c.max_stdin_bytes = static_cast<std::size_t>(r.integer("MAX_STDIN_BYTES", 1048576, 0, 1LL << 30));
    c.max_request_runtime = r.ms("MAX_REQUEST_RUNTIME_MS", millis{120000}, 1, kMaxMs);
    c.reveal_hidden_output = r.boolean("REVEAL_HIDDEN_OUTPUT", false);
    c.api_keys = r.list("CODE_EXEC_API_KEYS");
    auto auth = r.text("CODE_EXEC_AUTH", "");
    // "required" is the contract's name for the default; "enabled" is kept as its alias.
    if (!auth.empty() && auth != "disabled" && auth != "required" && auth != "enabled")
      reader::fail("CODE_EXEC_AUTH", auth, "\"required\" or \"disabled\"");
    c.auth_disabled = auth == "disabled";
    if (c.auth_disabled && !c.api_keys.empty())
      throw bad_value("CODE_EXEC_AUTH=disabled and CODE_EXEC_API_KEYS are both set: unset CODE_EXEC_API_KEYS to run "
                      "without auth, or unset CODE_EXEC_AUTH to require the keys");
    if (c.api_keys.empty() && !c.auth_disabled)
      throw bad_value("CODE_EXEC_API_KEYS is empty: set at least one key, or CODE_EXEC_AUTH=disabled for development");
    c.signing_secrets = r.list("CODE_EXEC_SIGNING_SECRETS");
    c.signature_tolerance = std::chrono::seconds(r.integer("SIGNATURE_TOLERANCE_S", 300, 1, 86400));
    c.convex_callback_secret = r.text("CONVEX_CALLBACK_SECRET", "");
    auto backend = r.text("RATE_LIMIT_BACKEND", "memory");
    if (backend == "memory") c.rate_backend = rate_limit_backend::memory;
    else if (backend == "redis") c.rate_backend = rate_limit_backend::redis;
    else reader::fail("RATE_LIMIT_BACKEND", backend, "\"memory\" or \"redis\"");
    c.redis_url = r.text("REDIS_URL", "redis://127.0.0.1:6379");
    auto redis = parse_redis_url(c.redis_url);
    if (auto* why = std::get_if<std::string>(&redis)) throw bad_value("REDIS_URL: " + *why);
    c.redis = std::get<redis_endpoint>(redis);
    auto store = r.text("SUBMISSION_STORE", "memory");
    if (store == "memory") c.submission_store = submission_store_kind::memory;
    else if (store == "redis") c.submission_store = submission_store_kind::redis;
    else reader::fail("SUBMISSION_STORE", store, "\"memory\" or \"redis\"");
    c.submission_redis_url = r.text("SUBMISSION_REDIS_URL", c.redis_url);
    auto store_redis = parse_redis_url(c.submission_redis_url);
    if (auto* why = std::get_if<std::string>(&store_redis)) throw bad_value("SUBMISSION_REDIS_URL: " + *why);
    c.submission_redis = std::get<redis_endpoint>(store_redis);
    // Below a few hundred ms a lease would expire between two renewals on a busy pod.
    c.submission_lease = r.ms("SUBMISSION_LEASE_MS", millis{30000}, 300, kMaxMs);
    c.submission_max_attempts = static_cast<int>(r.integer("SUBMISSION_MAX_ATTEMPTS", 3, 1, 100));
    c.pod_name = r.text("POD_NAME", "");
    c.rate_limit_per_minute = static_cast<int>(r.integer("RATE_LIMIT_PER_MINUTE", 120, 1, 1000000));
    c.rate_limit_burst = static_cast<int>(r.integer("RATE_LIMIT_BURST", 20, 1, 1000000));
    c.rate_limit_fail_open = r.boolean("RATE_LIMIT_FAIL_OPEN", true);
    c.breaker_failure_threshold = static_cast<int>(r.integer("BREAKER_FAILURE_THRESHOLD", 5, 1, 10000));
    c.breaker_open = r.ms("BREAKER_OPEN_MS", millis{10000}, 1, kMaxMs);
    c.max_active_submissions = static_cast<int>(r.integer("MAX_ACTIVE_SUBMISSIONS", 64, 1, 1000000));
    c.max_queued_submissions = static_cast<int>(r.integer("MAX_QUEUED_SUBMISSIONS", 1024, 0, 10000000));
    c.max_queued_bytes = static_cast<std::size_t>(r.integer("MAX_QUEUED_BYTES", 64LL << 20, 0, 1LL << 40));
    c.readiness_cache = r.ms("READINESS_CACHE_MS", millis{2000}, 0, kMaxMs);
    c.readiness_timeout = r.ms("READINESS_TIMEOUT_MS", millis{2000}, 1, kMaxMs);
    c.shutdown_delay = r.ms("SHUTDOWN_DELAY_MS", millis{5000}, 0, kMaxMs);
    c.shutdown_grace = r.ms("SHUTDOWN_GRACE_MS", millis{130000}, 0, kMaxMs);
    c.log_level = r.text("LOG_LEVEL", "info");
    if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error")
      reader::fail("LOG_LEVEL", c.log_level, "one of debug, info, warn, error");
  } catch (const bad_value& e) {
    return std::string(e.what());
  }
  return c;
}

std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
  namespace urls = boost::urls;
  const std::string shown = "\"" + log::mask_url_userinfo(url) + "\"";
  auto parsed = urls::parse_uri(url);
  if (!parsed) return "must be a redis://[user:password@]host[:port][/db] URL (got " + shown + ")";
  const auto& u = *parsed;
  if (u.scheme() == "rediss")
    return "rediss:// (TLS) is not supported: Debian's hiredis 0.14 has no TLS. Run a TLS sidecar (stunnel, "
           "or your platform's Redis TLS proxy) next to code-exec and point REDIS_URL at it as redis://127.0.0.1:PORT";
  if (u.scheme() != "redis" || !u.has_authority() || u.encoded_host().empty())
    return "must be a redis://[user:password@]host[:port][/db] URL (got " + shown + ")";
  redis_endpoint ep;
  ep.host = u.host_type() == urls::host_type::ipv6 ? std::string(u.host_address()) : std::string(u.host());
  if (u.has_port()) {
    auto port = u.port();
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), ep.port);
    if (port.empty() || ec != std::errc{} || p != port.data() + port.size() || ep.port < 1 || ep.port > 65535)
      return "has no valid port (got " + shown + ")";
  }
  if (u.has_userinfo()) {
    ep.user = u.user();
    ep.password = u.password();
  }
  auto path = std::string_view(u.encoded_path());
  if (!path.empty() && path != "/") {
    path.remove_prefix(1);
    auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), ep.db);
    if (ec != std::errc{} || p != path.data() + path.size() || ep.db < 0)
      return "the path must be a database number, e.g. /0 (got " + shown + ")";
  }
  return ep;
}

config_result parse_config_from_map(const std::map<std::string, std::string>& env) {
  return parse_config([&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

config_result parse_config_from_environ() {
  return parse_config([](const std::string& k) -> std::optional<std::string> {
    const char* v = std::getenv(k.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  });
}

std::string describe_config(const config& c) {
  auto masked = [](const std::string& s) -> boost::json::value {
    if (s.empty()) return "";
    return "***";
  };
  auto masked_list = [](const std::vector<std::string>& v) {
    boost::json::array a;
    for (std::size_t i = 0; i < v.size(); ++i) a.emplace_back("***");
    return a;
  };
  boost::json::object o{
      {"PORT", c.port},
      {"BIND_ADDRESS", c.bind_address},
      {"JUDGE0_BASE_URL", log::mask_url_userinfo(c.judge0_base_url)},
      {"JUDGE0_API_KEY", masked(c.judge0_api_key)},
      {"JUDGE0_TIMEOUT_MS", c.judge0_timeout.count()},
      {"JUDGE0_POLL_INTERVAL_MS", c.judge0_poll_interval.count()},
      {"JUDGE0_MAX_INFLIGHT", c.judge0_max_inflight},
      {"JUDGE0_INTERNAL_ERROR_RETRIES", c.judge0_internal_error_retries},
      {"JUDGE0_MAX_CPU_TIME_LIMIT", c.judge0_max_cpu_time_limit},
      {"JUDGE0_MAX_WALL_TIME_LIMIT", c.judge0_max_wall_time_limit},
      {"JUDGE0_MAX_MEMORY_LIMIT_KB", c.judge0_max_memory_limit_kb},
      {"JUDGE0_MIN_POLL_INTERVAL_MS", c.judge0_min_poll_interval.count()},
      {"JUDGE0_CALLBACKS", c.judge0_callbacks ? "on" : "off"},
      {"JUDGE0_CALLBACK_PORT", c.judge0_callback_port},
      {"JUDGE0_CALLBACK_BASE_URL", log::mask_url_userinfo(c.judge0_callback_base_url)},
      {"JUDGE0_CALLBACK_FALLBACK_POLL_MS", c.judge0_callback_fallback_poll.count()},
      {"CONVEX_SITE_URL", log::mask_url_userinfo(c.convex_site_url)},
      {"CONVEX_TIMEOUT_MS", c.convex_timeout.count()},
      {"CONVEX_HEALTH_PATH", c.convex_health_path},
      {"CALLBACK_MAX_ATTEMPTS", c.callback_max_attempts},
      {"MAX_BODY_BYTES", c.max_body_bytes},
      {"MAX_CONNECTIONS", c.max_connections},
      {"MAX_SOURCE_BYTES", c.max_source_bytes},
      {"MAX_TESTCASES", c.max_testcases},
      {"MAX_STDIN_BYTES", c.max_stdin_bytes},
      {"MAX_REQUEST_RUNTIME_MS", c.max_request_runtime.count()},
      {"REVEAL_HIDDEN_OUTPUT", c.reveal_hidden_output},
      {"CODE_EXEC_API_KEYS", masked_list(c.api_keys)},
      {"CODE_EXEC_AUTH", c.auth_disabled ? "disabled" : "required"},
      {"CODE_EXEC_SIGNING_SECRETS", masked_list(c.signing_secrets)},
      {"SIGNATURE_TOLERANCE_S", c.signature_tolerance.count()},
      {"CONVEX_CALLBACK_SECRET", masked(c.convex_callback_secret)},
      {"RATE_LIMIT_BACKEND", c.rate_backend == rate_limit_backend::redis ? "redis" : "memory"},
      {"REDIS_URL", log::mask_url_userinfo(c.redis_url)},
      {"SUBMISSION_STORE", c.submission_store == submission_store_kind::redis ? "redis" : "memory"},
      {"SUBMISSION_REDIS_URL", log::mask_url_userinfo(c.submission_redis_url)},
      {"SUBMISSION_LEASE_MS", c.submission_lease.count()},
      {"SUBMISSION_MAX_ATTEMPTS", c.submission_max_attempts},
      {"POD_NAME", c.pod_name},
      {"RATE_LIMIT_PER_MINUTE", c.rate_limit_per_minute},
      {"RATE_LIMIT_BURST", c.rate_limit_burst},
      {"RATE_LIMIT_FAIL_OPEN", c.rate_limit_fail_open},
      {"BREAKER_FAILURE_THRESHOLD", c.breaker_failure_threshold},
      {"BREAKER_OPEN_MS", c.breaker_open.count()},
      {"MAX_ACTIVE_SUBMISSIONS", c.max_active_submissions},
      {"MAX_QUEUED_SUBMISSIONS", c.max_queued_submissions},
      {"MAX_QUEUED_BYTES", c.max_queued_bytes},
      {"READINESS_CACHE_MS", c.readiness_cache.count()},
      {"READINESS_TIMEOUT_MS", c.readiness_timeout.count()},
      {"SHUTDOWN_DELAY_MS", c.shutdown_delay.count()},
      {"SHUTDOWN_GRACE_MS", c.shutdown_grace.count()},
      {"LOG_LEVEL", c.log_level},
  };
  return boost::json::serialize(o);
}

}  // namespace cx
