#include "config/config.hpp"

#include <gtest/gtest.h>

using cx::parse_config_from_map;

namespace {

std::map<std::string, std::string> base() {
  return {{"CONVEX_SITE_URL", "https://example.convex.site/"}, {"CODE_EXEC_API_KEYS", "k1, k2"}};
}

cx::config ok(std::map<std::string, std::string> env) {
  auto r = parse_config_from_map(env);
  if (auto* e = std::get_if<std::string>(&r)) ADD_FAILURE() << *e;
  return std::get<cx::config>(r);
}

std::string error(std::map<std::string, std::string> env) {
  auto r = parse_config_from_map(env);
  if (!std::holds_alternative<std::string>(r)) {
    ADD_FAILURE() << "expected a configuration error";
    return {};
  }
  return std::get<std::string>(r);
}

}  // namespace

TEST(Config, DefaultsFollowTheContract) {
  auto c = ok(base());
  EXPECT_EQ(c.port, 4001);
  EXPECT_EQ(c.bind_address, "0.0.0.0");
  EXPECT_EQ(c.judge0_base_url, "http://localhost:2358");
  EXPECT_EQ(c.judge0_timeout.count(), 15000);
  EXPECT_EQ(c.judge0_poll_interval.count(), 500);
  EXPECT_EQ(c.judge0_max_inflight, 16);
  EXPECT_EQ(c.judge0_internal_error_retries, 1);
  EXPECT_EQ(c.convex_timeout.count(), 5000);
  EXPECT_EQ(c.callback_max_attempts, 8);
  EXPECT_EQ(c.max_body_bytes, 1048576u);
  EXPECT_EQ(c.max_connections, 1024u);
  EXPECT_EQ(c.max_source_bytes, 200000u);
  EXPECT_EQ(c.max_testcases, 50);
  EXPECT_EQ(c.max_request_runtime.count(), 120000);
  EXPECT_EQ(c.rate_limit_per_minute, 120);
  EXPECT_EQ(c.rate_limit_burst, 20);
  EXPECT_TRUE(c.rate_limit_fail_open);
  EXPECT_EQ(c.breaker_failure_threshold, 5);
  EXPECT_EQ(c.max_active_submissions, 64);
  EXPECT_EQ(c.max_queued_submissions, 1024);
  EXPECT_EQ(c.shutdown_delay.count(), 5000);
  EXPECT_EQ(c.shutdown_grace.count(), 130000);
  EXPECT_EQ(c.readiness_timeout.count(), 2000);
  EXPECT_EQ(c.judge0_max_cpu_time_limit, 15);
  EXPECT_EQ(c.judge0_max_wall_time_limit, 20);
  EXPECT_EQ(c.judge0_max_memory_limit_kb, 512000);
  EXPECT_EQ(c.convex_health_path, "/");
  EXPECT_EQ(c.max_stdin_bytes, 1048576u);
  EXPECT_FALSE(c.reveal_hidden_output);
  EXPECT_EQ(c.signature_tolerance.count(), 300);
  EXPECT_EQ(c.rate_backend, cx::rate_limit_backend::memory);
  EXPECT_EQ(c.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(c.breaker_open.count(), 10000);
  EXPECT_EQ(c.readiness_cache.count(), 2000);
  EXPECT_EQ(c.log_level, "info");
}

TEST(Config, TrailingSlashesOfUrlsAreIgnored) {
  auto env = base();
  env["JUDGE0_BASE_URL"] = "http://judge0:2358//";
  auto c = ok(env);
  EXPECT_EQ(c.judge0_base_url, "http://judge0:2358");
  EXPECT_EQ(c.convex_site_url, "https://example.convex.site");
}

TEST(Config, RequestTimeoutIsTheOldNameForJudge0Timeout) {
  auto env = base();
  env["REQUEST_TIMEOUT_MS"] = "7000";
  EXPECT_EQ(ok(env).judge0_timeout.count(), 7000);
  env["JUDGE0_TIMEOUT_MS"] = "3000";
  EXPECT_EQ(ok(env).judge0_timeout.count(), 3000);
}

TEST(Config, KeysAreSplitOnCommasAndTrimmed) {
  auto c = ok(base());
  ASSERT_EQ(c.api_keys.size(), 2u);
  EXPECT_EQ(c.api_keys[1], "k2");
}

TEST(Config, MissingConvexUrlStopsStartUp) {
  EXPECT_NE(error({{"CODE_EXEC_API_KEYS", "k"}}).find("CONVEX_SITE_URL"), std::string::npos);
}

TEST(Config, NoKeysWithoutAuthDisabledStopsStartUp) {
  EXPECT_NE(error({{"CONVEX_SITE_URL", "http://x"}}).find("CODE_EXEC_API_KEYS"), std::string::npos);
  auto c = ok({{"CONVEX_SITE_URL", "http://x"}, {"CODE_EXEC_AUTH", "disabled"}});
  EXPECT_TRUE(c.auth_disabled);
}

TEST(Config, AuthTakesTheContractsRequiredOrDisabledAndNothingElse) {
  for (const char* on : {"required", "enabled", ""}) {
    auto env = base();
    env["CODE_EXEC_AUTH"] = on;
    EXPECT_FALSE(ok(env).auth_disabled) << on;
  }
  auto env = base();
  env["CODE_EXEC_AUTH"] = "off";
  auto e = error(env);
  EXPECT_NE(e.find("CODE_EXEC_AUTH"), std::string::npos);
  EXPECT_NE(e.find("required"), std::string::npos);
  EXPECT_NE(cx::describe_config(ok(base())).find(R"("CODE_EXEC_AUTH":"required")"), std::string::npos);
}

TEST(Config, BadNumbersNameTheVariableAndTheExpectation) {
  auto env = base();
  env["PORT"] = "abc";
  auto e = error(env);
  EXPECT_NE(e.find("PORT"), std::string::npos);
  EXPECT_NE(e.find("integer"), std::string::npos);
  EXPECT_NE(e.find("abc"), std::string::npos);
  env["PORT"] = "70000";
  EXPECT_NE(error(env).find("PORT"), std::string::npos);
  env = base();
  env["JUDGE0_MAX_INFLIGHT"] = "0";
  EXPECT_NE(error(env).find("JUDGE0_MAX_INFLIGHT"), std::string::npos);
  env = base();
  env["MAX_BODY_BYTES"] = "12kb";
  EXPECT_NE(error(env).find("MAX_BODY_BYTES"), std::string::npos);
  for (const char* bad : {"0", "1000001"}) {
    env = base();
    env["MAX_CONNECTIONS"] = bad;
    EXPECT_NE(error(env).find("MAX_CONNECTIONS"), std::string::npos) << bad;
  }
  env = base();
  env["MAX_CONNECTIONS"] = "64";
  EXPECT_EQ(ok(env).max_connections, 64u);
  EXPECT_NE(cx::describe_config(ok(env)).find(R"("MAX_CONNECTIONS":64)"), std::string::npos);
}

TEST(Config, MalformedUrlsAndEnumsAreRefused) {
  auto env = base();
  env["JUDGE0_BASE_URL"] = "judge0:2358";
  EXPECT_NE(error(env).find("JUDGE0_BASE_URL"), std::string::npos);
  env = base();
  env["RATE_LIMIT_BACKEND"] = "memcached";
  EXPECT_NE(error(env).find("RATE_LIMIT_BACKEND"), std::string::npos);
  env = base();
  env["REVEAL_HIDDEN_OUTPUT"] = "yes";
  EXPECT_NE(error(env).find("REVEAL_HIDDEN_OUTPUT"), std::string::npos);
  env = base();
  env["LOG_LEVEL"] = "verbose";
  EXPECT_NE(error(env).find("LOG_LEVEL"), std::string::npos);
  env = base();
  env["REDIS_URL"] = "http://redis";
  EXPECT_NE(error(env).find("REDIS_URL"), std::string::npos);
}

TEST(Config, DescriptionMasksEverySecret) {
  auto env = base();
  env["JUDGE0_API_KEY"] = "judge0-secret-value";
  env["CODE_EXEC_SIGNING_SECRETS"] = "signing-secret-value";
  env["CONVEX_CALLBACK_SECRET"] = "callback-secret-value";
  env["REDIS_URL"] = "redis://user:redis-password@127.0.0.1:6379";
  auto text = cx::describe_config(ok(env));
  for (const char* secret : {"judge0-secret-value", "signing-secret-value", "callback-secret-value", "k1", "k2",
                             "redis-password"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(text.find("\"CONVEX_SITE_URL\""), std::string::npos);
}

TEST(Config, AuthDisabledTogetherWithKeysRefusesToStartNamingBoth) {
  auto env = base();
  env["CODE_EXEC_AUTH"] = "disabled";
  auto e = error(env);
  EXPECT_NE(e.find("CODE_EXEC_AUTH"), std::string::npos) << e;
  EXPECT_NE(e.find("CODE_EXEC_API_KEYS"), std::string::npos) << e;
  env.erase("CODE_EXEC_API_KEYS");
  EXPECT_TRUE(ok(env).auth_disabled);
}

TEST(Config, AnInvalidUrlsPasswordNeverReachesTheErrorLine) {
  auto env = base();
  env["REDIS_URL"] = "rediss://:TopSecretPw@redis.internal:6380";
  auto e = error(env);
  EXPECT_NE(e.find("REDIS_URL"), std::string::npos) << e;
  EXPECT_EQ(e.find("TopSecretPw"), std::string::npos) << e;
  env = base();
  env["CONVEX_SITE_URL"] = "http://user:pass-word@example.convex.site";
  e = error(env);
  EXPECT_NE(e.find("CONVEX_SITE_URL"), std::string::npos) << e;
  EXPECT_EQ(e.find("pass-word"), std::string::npos) << e;
}

TEST(Config, QueuedBytesBoundDefaultsTo64MiB) {
  EXPECT_EQ(ok(base()).max_queued_bytes, 64u << 20);
  auto env = base();
  env["MAX_QUEUED_BYTES"] = "1000";
  EXPECT_EQ(ok(env).max_queued_bytes, 1000u);
  env["MAX_QUEUED_BYTES"] = "-1";
  EXPECT_NE(error(env).find("MAX_QUEUED_BYTES"), std::string::npos);
}

TEST(Config, RedisUrlCarriesCredentialsAndDatabase) {
  auto env = base();
  env["REDIS_URL"] = "redis://app:p%40ss@redis.internal:6380/3";
  auto c = ok(env);
  EXPECT_EQ(c.redis.host, "redis.internal");
  EXPECT_EQ(c.redis.port, 6380);
  EXPECT_EQ(c.redis.user, "app");
  EXPECT_EQ(c.redis.password, "p@ss");
  EXPECT_EQ(c.redis.db, 3);
  env["REDIS_URL"] = "redis://:only-password@127.0.0.1";
  c = ok(env);
  EXPECT_EQ(c.redis.user, "");
  EXPECT_EQ(c.redis.password, "only-password");
  EXPECT_EQ(c.redis.port, 6379);
  EXPECT_EQ(c.redis.db, 0);
}

TEST(Config, RedissIsRefusedNamingTheReasonAndTheSidecar) {
  auto env = base();
  env["REDIS_URL"] = "rediss://:pw@redis:6380";
  auto e = error(env);
  EXPECT_NE(e.find("no TLS"), std::string::npos) << e;
  EXPECT_NE(e.find("sidecar"), std::string::npos) << e;
  EXPECT_EQ(e.find(":pw@"), std::string::npos) << e;
  for (const char* bad : {"redis://", "redis://host:0", "redis://host/x", "redis://host:99999", "tcp://host"}) {
    env["REDIS_URL"] = bad;
    EXPECT_NE(error(env).find("REDIS_URL"), std::string::npos) << bad;
  }
}

TEST(Config, CallbacksAreOffByDefaultWithCacheAwarePolling) {
  auto c = ok(base());
  EXPECT_FALSE(c.judge0_callbacks);
  EXPECT_EQ(c.judge0_callback_port, 4002);
  EXPECT_EQ(c.judge0_callback_fallback_poll.count(), 5000);
  EXPECT_EQ(c.judge0_min_poll_interval.count(), 1000);
}

TEST(Config, CallbacksOnNeedAnHttpBaseUrlWithoutTrailingSlashes) {
  auto env = base();
  env["JUDGE0_CALLBACKS"] = "on";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_BASE_URL"), std::string::npos);
  env["JUDGE0_CALLBACK_BASE_URL"] = "ftp://10.0.0.7:4002";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_BASE_URL"), std::string::npos);
  // The listener serves plain HTTP at /judge0/callbacks/ only.
  env["JUDGE0_CALLBACK_BASE_URL"] = "https://10.0.0.7:4002";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_BASE_URL"), std::string::npos);
  env["JUDGE0_CALLBACK_BASE_URL"] = "http://10.0.0.7:4002/cb";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_BASE_URL"), std::string::npos);
  env["JUDGE0_CALLBACK_BASE_URL"] = "http://10.0.0.7:4002/";
  // The base URL names the port, so it cannot be "any free one", nor the front's.
  env["JUDGE0_CALLBACK_PORT"] = "0";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_PORT"), std::string::npos);
  env["JUDGE0_CALLBACK_PORT"] = "4001";
  env["PORT"] = "4001";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACK_PORT"), std::string::npos);
  env["JUDGE0_CALLBACK_PORT"] = "4002";
  env["JUDGE0_MIN_POLL_INTERVAL_MS"] = "0";
  auto c = ok(env);
  EXPECT_TRUE(c.judge0_callbacks);
  EXPECT_EQ(c.judge0_callback_base_url, "http://10.0.0.7:4002");
  EXPECT_EQ(c.judge0_callback_port, 4002);
  EXPECT_EQ(c.judge0_min_poll_interval.count(), 0);
  env["JUDGE0_CALLBACKS"] = "yes";
  EXPECT_NE(error(env).find("JUDGE0_CALLBACKS"), std::string::npos);
}
