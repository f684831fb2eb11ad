// The shared rate limiter against a real redis-server on a loopback port: two instances share
// one limit; Redis killed mid-test (fail open / fail closed); Redis restarted (NOSCRIPT path).
#include "binary_fixture.hpp"
#include "redis_server.hpp"

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include "actors/policy/signing.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

class RedisRateLimitTest : public BinaryTest {
 protected:
  std::map<std::string, std::string> redis_env(const std::string& url, const char* fail_open = "true") {
    return {{"RATE_LIMIT_BACKEND", "redis"}, {"REDIS_URL", url}, {"RATE_LIMIT_BURST", "3"},
            {"RATE_LIMIT_PER_MINUTE", "1"}, {"RATE_LIMIT_FAIL_OPEN", fail_open}};
  }

  int judge_status(service_process& p, const std::string& subject) {
    return client
        .call("POST", p.url() + "/v1/judge-question", "{}",
              {{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "key-a"}, {"X-Code-Exec-Subject", subject}})
        .status;
  }
};

}  // namespace

TEST_F(RedisRateLimitTest, TwoInstancesShareOneLimit) {
  redis_server redis(free_port());
  ASSERT_TRUE(redis.ready());
  start(redis_env(redis.url()));
  auto env = redis_env(redis.url());
  env["CONVEX_SITE_URL"] = convex.url();
  env["JUDGE0_BASE_URL"] = judge0.url();
  env["CODE_EXEC_API_KEYS"] = "key-a";
  service_process second(env);
  ASSERT_TRUE(second.wait_ready());
  EXPECT_EQ(judge_status(*proc, "shared"), 400);
  EXPECT_EQ(judge_status(second, "shared"), 400);
  EXPECT_EQ(judge_status(*proc, "shared"), 400);
  EXPECT_EQ(judge_status(second, "shared"), 429);  // the fourth request overall
  EXPECT_EQ(judge_status(*proc, "shared"), 429);
  EXPECT_EQ(judge_status(second, "someone-else"), 400);
}

TEST_F(RedisRateLimitTest, RedisLossFailsOpenThenLimitsAgainAfterRestart) {
  redis_server redis(free_port());
  ASSERT_TRUE(redis.ready());
  start(redis_env(redis.url()));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(judge_status(*proc, "u"), 400);
  EXPECT_EQ(judge_status(*proc, "u"), 429);

  redis.stop();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(judge_status(*proc, "u"), 400) << "fail open lets requests through";
  auto metrics = client.call("GET", proc->url() + "/metrics").body;
  EXPECT_NE(metrics.find("code_exec_rate_limiter_errors_total{mode=\"fail_open\"}"), std::string::npos);
  EXPECT_NE(proc->all_output().find("redis rate limiter unavailable"), std::string::npos);

  redis.start();  // empty script cache: EVALSHA answers NOSCRIPT, EVAL takes over
  ASSERT_TRUE(redis.ready());
  // Reconnects are retried after a short pause; requests keep flowing (fail open) meanwhile.
  ASSERT_TRUE(eventually(
      [&] {
        judge_status(*proc, "probe");
        return proc->all_output().find("redis rate limiter recovered") != std::string::npos;
      },
      std::chrono::seconds(5)));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(judge_status(*proc, "w"), 400);
  EXPECT_EQ(judge_status(*proc, "w"), 429);
}

TEST_F(RedisRateLimitTest, FailClosedRefusesWhileRedisIsDown) {
  redis_server redis(free_port());
  ASSERT_TRUE(redis.ready());
  start(redis_env(redis.url(), "false"));
  EXPECT_EQ(judge_status(*proc, "c"), 400);
  redis.stop();
  EXPECT_EQ(judge_status(*proc, "c"), 503);
  auto metrics = client.call("GET", proc->url() + "/metrics").body;
  EXPECT_NE(metrics.find("code_exec_rate_limiter_errors_total{mode=\"fail_closed\"}"), std::string::npos);
}

TEST_F(RedisRateLimitTest, ASignatureUsedOnOnePodIsRefusedOnTheOther) {
  redis_server redis(free_port());
  ASSERT_TRUE(redis.ready());
  auto env = redis_env(redis.url());
  env["RATE_LIMIT_BURST"] = "100";
  env["CODE_EXEC_SIGNING_SECRETS"] = "sig-1";
  start(env);
  env["CONVEX_SITE_URL"] = convex.url();
  env["JUDGE0_BASE_URL"] = judge0.url();
  env["CODE_EXEC_API_KEYS"] = "key-a";
  service_process second(env);
  ASSERT_TRUE(second.wait_ready());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  http::header_list h{{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "key-a"},
                      {"X-Code-Exec-Timestamp", std::to_string(now)},
                      {"X-Code-Exec-Signature", sign_payload("sig-1", now, "{}")}};
  EXPECT_EQ(client.call("POST", proc->url() + "/v1/judge-question", "{}", h).status, 400);  // first use
  EXPECT_EQ(client.call("POST", second.url() + "/v1/judge-question", "{}", h).status, 401);  // replayed elsewhere
  redis.stop();  // each pod then keeps its own record: the replay on the first pod is still refused
  EXPECT_EQ(client.call("POST", proc->url() + "/v1/judge-question", "{}", h).status, 401);
}

TEST_F(RedisRateLimitTest, APasswordProtectedRedisIsReachedWithTheUrlsCredentials) {
  const auto port = free_port();
  redis_server redis(port, {"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.ready());
  auto env = redis_env("redis://:s3cret@127.0.0.1:" + std::to_string(port) + "/2", "false");
  env["RATE_LIMIT_BURST"] = "1";
  start(env);
  EXPECT_EQ(judge_status(*proc, "pw"), 400);  // fail closed would answer 503: Redis answered
  EXPECT_EQ(judge_status(*proc, "pw"), 429);
  EXPECT_EQ(proc->all_output().find("s3cret"), std::string::npos);
}
