// The service configuration: every variable of the contract, read once at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cx {

using millis = std::chrono::milliseconds;

enum class rate_limit_backend { memory, redis };
// Where accepted submissions live: this pod's memory, or a Redis stream shared by every pod.
enum class submission_store_kind { memory, redis };

// REDIS_URL, redis://[user:password@]host[:port][/db]: the credentials are sent with AUTH and
// the database chosen with SELECT after connecting.
struct redis_endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;
  std::string password;
  int db = 0;
  bool operator==(const redis_endpoint&) const = default;
};

struct config {
  std::uint16_t port = 4001;
  std::string bind_address = "0.0.0.0";

  std::string judge0_base_url = "http://localhost:2358";
  std::string judge0_api_key;
  millis judge0_timeout{15000};
  millis judge0_poll_interval{500};
  int judge0_max_inflight = 16;
  int judge0_internal_error_retries = 1;  // re-runs of a testcase that ended in status 13
  int judge0_max_cpu_time_limit = 15;
  int judge0_max_wall_time_limit = 20;
  int judge0_max_memory_limit_kb = 512000;
  // Judge0 caches GET /submissions/{token} for 1 s: no poll of a token comes sooner than this
  // after its previous poll. 0 keeps JUDGE0_POLL_INTERVAL_MS alone.
  millis judge0_min_poll_interval{1000};
  // Callback mode: Judge0 PUTs the finished submission to JUDGE0_CALLBACK_BASE_URL on a
  // second listener; the slow fallback poll covers a lost callback.
  bool judge0_callbacks = false;
  std::uint16_t judge0_callback_port = 4002;  // fixed: JUDGE0_CALLBACK_BASE_URL names it
  std::string judge0_callback_base_url;
  millis judge0_callback_fallback_poll{5000};

  std::string convex_site_url;
  millis convex_timeout{5000};
  std::string convex_health_path = "/";
  int callback_max_attempts = 8;

  std::size_t max_body_bytes = 1048576;
  std::size_t max_connections = 1024;  // inbound HTTP connections
  std::size_t max_source_bytes = 200000;
  int max_testcases = 50;
  std::size_t max_stdin_bytes = 1048576;
  millis max_request_runtime{120000};
  bool reveal_hidden_output = false;

  std::vector<std::string> api_keys;
  bool auth_disabled = false;
  std::vector<std::string> signing_secrets;
  std::chrono::seconds signature_tolerance{300};
  std::string convex_callback_secret;

  rate_limit_backend rate_backend = rate_limit_backend::memory;
  std::string redis_url = "redis://127.0.0.1:6379";
  redis_endpoint redis;
  int rate_limit_per_minute = 120;
  int rate_limit_burst = 20;
  bool rate_limit_fail_open = true;

  submission_store_kind submission_store = submission_store_kind::memory;
  std::string submission_redis_url = "redis://127.0.0.1:6379";  // defaults to REDIS_URL
  redis_endpoint submission_redis;
  millis submission_lease{30000};
  int submission_max_attempts = 3;
  std::string pod_name;  // POD_NAME: this pod's consumer name in the stream's group

  int breaker_failure_threshold = 5;
  millis breaker_open{10000};

  int max_active_submissions = 64;
  int max_queued_submissions = 1024;
  std::size_t max_queued_bytes = 64 * 1024 * 1024;

  millis readiness_cache{2000};
  millis readiness_timeout{2000};
  millis shutdown_delay{5000};
  millis shutdown_grace{130000};

  std::string log_level = "info";
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

// Either the parsed config or one line naming the variable and what it expects.
using config_result = std::variant<config, std::string>;

config_result parse_config(const env_lookup& env);
config_result parse_config_from_map(const std::map<std::string, std::string>& env);
config_result parse_config_from_environ();

// REDIS_URL parsed, or why it cannot be used.
std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url);

// The effective configuration as one JSON object, secrets masked.
std::string describe_config(const config& c);

}  // namespace cx
