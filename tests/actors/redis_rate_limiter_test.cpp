// The Redis rate limiter on the test coordinator, through its typed interface, with Redis played
// by a scripted redis::commands: the bucket's EVALSHA and its reply, the script sent in full after
// NOSCRIPT, a Redis that does not answer, and the replay guard's SET NX. No sockets.
#include "actors/redis_rate_limiter.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "../support/deterministic_fixture.hpp"
#include "../support/test_config.hpp"
#include "http/redis_client.hpp"
#include "messages/atoms.hpp"
#include "messages/rate_messages.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

struct scripted_redis final : redis::commands {
  struct call {
    std::vector<std::string> args;
    std::function<void(redis::result)> done;
  };
  void command(std::vector<std::string> args, std::function<void(redis::result)> done) override {
    calls.push_back({std::move(args), std::move(done)});
  }
  std::vector<call> calls;
};

redis::reply text(redis::reply::kind k, std::string s) {
  redis::reply r;
  r.type = k;
  r.text = std::move(s);
  return r;
}

redis::reply bucket(long long allowed, std::string tokens) {
  redis::reply r;
  r.type = redis::reply::kind::array;
  redis::reply a;
  a.type = redis::reply::kind::integer;
  a.integer = allowed;
  r.elements = {a, text(redis::reply::kind::string, std::move(tokens))};
  return r;
}

class RedisRateLimiterTest : public DeterministicTest {
 protected:
  RedisRateLimiterTest() {
    cfg = test_config({{"RATE_LIMIT_PER_MINUTE", "60"}, {"RATE_LIMIT_BURST", "20"}});
    limiter = spawn_redis_rate_limiter(sys, cfg, redis);
    sched.run();
  }
  ~RedisRateLimiterTest() override { caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown); }

  void answer(std::size_t i, std::optional<redis::reply> r) {
    redis::result res;
    res.value = std::move(r);
    if (!res.value) res.error = "connection refused";
    redis.calls.at(i).done(std::move(res));
    sched.run();
  }

  std::shared_ptr<const config> cfg;
  scripted_redis redis;
  rate_limiter_actor limiter;
};

}  // namespace

TEST_F(RedisRateLimiterTest, ADecisionIsOneEvalshaOnTheBucketsKey) {
  auto got = ask_later<rate_answer>(limiter, rate_atom::value, std::string("key0|"));
  ASSERT_EQ(redis.calls.size(), 1u);
  auto& args = redis.calls[0].args;
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[0], "EVALSHA");
  EXPECT_EQ(args[1], sha1_hex(rate_limit_script()));
  EXPECT_EQ(args[2], "1");
  EXPECT_EQ(args[3], "code-exec:rl:key0|");
  EXPECT_EQ(std::stod(args[4]), 60 / 60000.0);  // tokens per ms
  EXPECT_EQ(args[5], "20");
  answer(0, bucket(1, "12.5"));
  ASSERT_TRUE(*got);
  EXPECT_FALSE((*got)->backend_failed);
  EXPECT_TRUE((*got)->decision.allowed);
  EXPECT_EQ((*got)->decision.remaining, 12);
  EXPECT_EQ((*got)->decision.reset_s, 8);  // 7.5 tokens at one a second
}

TEST_F(RedisRateLimiterTest, ARefusalSaysWhenTheNextTokenComes) {
  auto got = ask_later<rate_answer>(limiter, rate_atom::value, std::string("k"));
  answer(0, bucket(0, "0.25"));
  ASSERT_TRUE(*got);
  EXPECT_FALSE((*got)->decision.allowed);
  EXPECT_EQ((*got)->decision.remaining, 0);
  EXPECT_EQ((*got)->decision.retry_after_s, 1);
}

TEST_F(RedisRateLimiterTest, ARedisThatForgotTheScriptGetsItInFullOnce) {
  auto got = ask_later<rate_answer>(limiter, rate_atom::value, std::string("k"));
  answer(0, text(redis::reply::kind::error, "NOSCRIPT No matching script"));
  ASSERT_EQ(redis.calls.size(), 2u);
  EXPECT_EQ(redis.calls[1].args[0], "EVAL");
  EXPECT_EQ(redis.calls[1].args[1], rate_limit_script());
  EXPECT_FALSE(*got);
  answer(1, bucket(1, "19"));
  ASSERT_TRUE(*got);
  EXPECT_TRUE((*got)->decision.allowed);
}

TEST_F(RedisRateLimiterTest, NoAnswerOrAnAnswerOfTheWrongShapeIsABackendFailure) {
  auto down = ask_later<rate_answer>(limiter, rate_atom::value, std::string("k"));
  answer(0, std::nullopt);
  ASSERT_TRUE(*down);
  EXPECT_TRUE((*down)->backend_failed);
  auto odd = ask_later<rate_answer>(limiter, rate_atom::value, std::string("k"));
  answer(1, text(redis::reply::kind::string, "surprise"));
  ASSERT_TRUE(*odd);
  EXPECT_TRUE((*odd)->backend_failed);
  EXPECT_EQ(redis.calls.size(), 2u);  // not retried: the front applies fail-open or fail-closed
}

TEST_F(RedisRateLimiterTest, ASignatureIsFirstUsedOnlyWhereSetNxStoredIt) {
  auto first = ask_later<replay_answer>(limiter, replay_atom::value, std::string("sig"), std::int64_t{301});
  ASSERT_EQ(redis.calls.size(), 1u);
  EXPECT_EQ(redis.calls[0].args, (std::vector<std::string>{"SET", "code-exec:sig:sig", "1", "NX", "EX", "301"}));
  answer(0, text(redis::reply::kind::status, "OK"));
  ASSERT_TRUE(*first);
  EXPECT_TRUE((*first)->first_use);
  auto replayed = ask_later<replay_answer>(limiter, replay_atom::value, std::string("sig"), std::int64_t{301});
  answer(1, redis::reply{});  // nil: another pod stored it first
  ASSERT_TRUE(*replayed);
  EXPECT_FALSE((*replayed)->first_use);
  EXPECT_FALSE((*replayed)->backend_failed);
  auto down = ask_later<replay_answer>(limiter, replay_atom::value, std::string("sig"), std::int64_t{301});
  answer(2, std::nullopt);
  ASSERT_TRUE(*down);
  EXPECT_TRUE((*down)->backend_failed);
}
