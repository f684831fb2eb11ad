// The Judge0 pool and its client actors on the test coordinator, through the pool's typed
// interface, with Judge0 played by a scripted outbound: create, poll, the in-flight cap and FIFO,
// the safe retries, callbacks with good and bad secrets, the deadline, a client that dies. No
// sockets; the clock moves only when the test moves it.
#include "actors/judge0_pool.hpp"

#include "actors/circuit_breaker.hpp"

#include <boost/json.hpp>

#include <memory>
#include <optional>

#include "../support/deterministic_fixture.hpp"
#include "../support/scripted_outbound.hpp"
#include "../support/test_config.hpp"
#include "messages/atoms.hpp"
#include "messages/base64.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

std::string text(const boost::json::value& v) { return std::string(v.as_string()); }

std::string created(const std::string& token) { return R"({"token":")" + token + R"("})"; }

std::string finished(const std::string& token, int status, const std::string& out) {
  return boost::json::serialize(boost::json::object{{"token", token},
                                                    {"status", {{"id", status}, {"description", "x"}}},
                                                    {"stdout", base64_encode(out)},
                                                    {"time", "0.01"},
                                                    {"memory", 1000}});
}

std::string still_running(const std::string& token) {
  return boost::json::serialize(boost::json::object{{"token", token}, {"status", {{"id", 2}, {"description", "Processing"}}}});
}

class Judge0PoolTest : public DeterministicTest {
 protected:
  // With the real circuit breaker on the test clock instead of the scripted one.
  void start_with_breaker(int threshold, std::chrono::milliseconds open) {
    breaker_settings bs;
    bs.failure_threshold = threshold;
    bs.open_ms = open.count();
    real_breaker = spawn_circuit_breaker(sys, bs, [this] { return now(); }, view);
    start();
  }

  void start(std::map<std::string, std::string> env = {}, bool all_clear = true) {
    env.insert({{"JUDGE0_BASE_URL", "http://127.0.0.1:2358"}, {"JUDGE0_MAX_INFLIGHT", "1"}});
    cfg = test_config(std::move(env));
    breaker = real_breaker ? real_breaker : sys.spawn([this](breaker_actor::pointer self) -> breaker_actor::behavior_type {
      return {
          [this, self](allow_atom) {
            if (++asks == 1 && kill_first_asker)  // as a crash ends it; kill would take the linked pool too
              caf::anon_send_exit(caf::actor_cast<caf::actor>(self->current_sender()), caf::exit_reason::unhandled_exception);
            return true;
          },
          [](rejecting_atom) { return false; },
          [](record_atom, call_outcome) {},
      };
    });
    view->all_clear = all_clear;
    pool = spawn_judge0_pool(sys, cfg, judge0, timers::on_caf_clock(sys), breaker_handle{breaker, view});
    sched.run();
  }

  ~Judge0PoolTest() override {
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(breaker, caf::exit_reason::user_shutdown);
  }

  using outcome_slot = std::shared_ptr<std::optional<judge0_outcome>>;

  outcome_slot run(std::string source = "print(input())") {
    judge0_job job;
    job.run.language_id = 71;
    job.run.source_code = std::move(source);
    job.run.stdin_text = "hi";
    job.submission_id = "s1";
    job.deadline = now() + std::chrono::seconds(10);
    return ask_later<judge0_outcome>(pool, run_atom::value, job);
  }

  void answer(std::size_t i, int status, std::string body) {
    judge0.answer(i, status, std::move(body));
    sched.run();
  }

  const http::client_request& req(std::size_t i) { return judge0.calls.at(i).req; }

  std::shared_ptr<const config> cfg;
  scripted_outbound judge0;
  std::shared_ptr<breaker_view> view = std::make_shared<breaker_view>();
  int asks = 0;
  bool kill_first_asker = false;
  breaker_actor breaker;
  breaker_actor real_breaker;
  judge0_pool_actor pool;
};

}  // namespace

TEST_F(Judge0PoolTest, AJobIsCreatedThenPolledAfterADelayAndAnsweredWithItsVerdict) {
  start({{"JUDGE0_API_KEY", "secret-token"}});
  auto out = run();
  ASSERT_EQ(judge0.calls.size(), 1u);
  EXPECT_EQ(req(0).method, "POST");
  EXPECT_EQ(req(0).url, "http://127.0.0.1:2358/submissions?base64_encoded=true&wait=false");
  EXPECT_EQ(http::find_header(req(0).headers, "X-Auth-Token"), "secret-token");
  auto body = boost::json::parse(req(0).body).as_object();
  EXPECT_EQ(text(body.at("source_code")), base64_encode("print(input())"));
  EXPECT_EQ(text(body.at("stdin")), base64_encode("hi"));
  answer(0, 201, created("t1"));
  ASSERT_EQ(judge0.calls.size(), 2u);
  EXPECT_EQ(req(1).method, "GET");
  EXPECT_EQ(req(1).url, "http://127.0.0.1:2358/submissions/t1?base64_encoded=true&fields=*");
  EXPECT_GT(judge0.calls[1].delay, milliseconds(0));  // started by the timer, not at once
  EXPECT_FALSE(*out);
  answer(1, 200, still_running("t1"));
  ASSERT_EQ(judge0.calls.size(), 3u);
  EXPECT_GE(judge0.calls[2].delay, cfg->judge0_min_poll_interval);  // never sooner than Judge0's cache
  answer(2, 200, finished("t1", 3, "hi\n"));
  ASSERT_TRUE(*out);
  EXPECT_FALSE((*out)->failure);
  EXPECT_EQ((*out)->status_id, 3);
  EXPECT_EQ((*out)->stdout_text, "hi\n");
  EXPECT_EQ((*out)->judge0_calls, 3);
}

TEST_F(Judge0PoolTest, NoMoreThanTheInFlightCapAndWaitingJobsRunInArrivalOrder) {
  start();
  auto first = run("first");
  auto second = run("second");
  ASSERT_EQ(judge0.calls.size(), 1u);  // JUDGE0_MAX_INFLIGHT=1: the second waits
  EXPECT_EQ(text(boost::json::parse(req(0).body).at("source_code")), base64_encode("first"));
  answer(0, 201, created("t1"));
  answer(1, 200, finished("t1", 3, ""));
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  ASSERT_EQ(judge0.calls.size(), 3u);
  EXPECT_EQ(text(boost::json::parse(req(2).body).at("source_code")), base64_encode("second"));
}

TEST_F(Judge0PoolTest, ACreateThatNeverLeftIsRetriedOnceAtOnceAndNotTwice) {
  start();
  auto out = run();
  judge0.fail(0, /*nothing_sent=*/true);
  sched.run();
  ASSERT_EQ(judge0.calls.size(), 2u);
  EXPECT_EQ(req(1).method, "POST");
  EXPECT_EQ(judge0.calls[1].delay, milliseconds(0));
  judge0.fail(1, true);
  sched.run();
  ASSERT_TRUE(*out);
  ASSERT_TRUE((*out)->failure);
  EXPECT_NE((*out)->failure->find("submit failed"), std::string::npos) << *(*out)->failure;
  EXPECT_EQ(judge0.calls.size(), 2u);
}

TEST_F(Judge0PoolTest, ACreateThatMayHaveReachedJudge0IsNotRetried) {
  start();
  auto out = run();
  judge0.fail(0, /*nothing_sent=*/false, /*timed_out=*/true);
  sched.run();
  ASSERT_TRUE(*out);
  EXPECT_TRUE((*out)->failure);
  EXPECT_EQ(judge0.calls.size(), 1u);
}

TEST_F(Judge0PoolTest, AStatus13IsRunAgainUpToItsRetriesThenStands) {
  start({{"JUDGE0_INTERNAL_ERROR_RETRIES", "1"}});
  auto out = run();
  answer(0, 201, created("t1"));
  answer(1, 200, finished("t1", 13, ""));
  ASSERT_EQ(judge0.calls.size(), 3u);  // a new create, not a poll of the old token
  EXPECT_EQ(req(2).method, "POST");
  EXPECT_FALSE(*out);
  answer(2, 201, created("t2"));
  answer(3, 200, finished("t2", 13, ""));
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->status_id, 13);
  EXPECT_EQ(judge0.calls.size(), 4u);
}

TEST_F(Judge0PoolTest, AStatus13ThatSucceedsOnItsRetryGivesTheRetrysVerdict) {
  start({{"JUDGE0_INTERNAL_ERROR_RETRIES", "1"}});
  auto out = run();
  answer(0, 201, created("t1"));
  answer(1, 200, finished("t1", 13, ""));
  answer(2, 201, created("t2"));
  answer(3, 200, finished("t2", 3, "ok"));
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->status_id, 3);
  EXPECT_EQ((*out)->stdout_text, "ok");
}

TEST_F(Judge0PoolTest, ACallbackWithTheJobsSecretSettlesItAndAWrongOneChangesNothing) {
  start({{"JUDGE0_CALLBACKS", "on"}, {"JUDGE0_CALLBACK_BASE_URL", "http://127.0.0.1:4002"}});
  auto out = run();
  std::string url(boost::json::parse(req(0).body).at("callback_url").as_string());
  auto secret_at = url.rfind('/');
  auto key_at = url.rfind('/', secret_at - 1);
  auto key = url.substr(key_at + 1, secret_at - key_at - 1);
  auto secret = url.substr(secret_at + 1);
  EXPECT_EQ(secret.size(), 32u);  // 128 bits, hex
  answer(0, 201, created("t1"));
  ASSERT_EQ(judge0.calls.size(), 1u);  // with callbacks on, no quick poll

  std::vector<bool> known;
  auto put = [&](std::string job, std::string sec, std::string body) {
    tell(pool, judge0_callback{std::move(job), std::move(sec), std::move(body), [&known](bool k) { known.push_back(k); }});
  };
  put(key, std::string(32, '0'), finished("t1", 4, "forged"));
  put("unknown", secret, finished("t1", 4, "forged"));
  EXPECT_EQ(known, (std::vector<bool>{false, false}));
  EXPECT_FALSE(*out);
  put(key, secret, finished("t1", 3, "hi\n"));
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->stdout_text, "hi\n");
  EXPECT_EQ((*out)->judge0_calls, 1);  // the create only
  put(key, secret, finished("t1", 4, "late"));  // after the job settled: unknown, harmless
  EXPECT_EQ(known.back(), false);
  advance(cfg->judge0_callback_fallback_poll);
  EXPECT_EQ(judge0.calls.size(), 1u);  // no fallback poll for a settled job
}

TEST_F(Judge0PoolTest, ALostCallbackIsCoveredByTheSlowFallbackPoll) {
  start({{"JUDGE0_CALLBACKS", "on"}, {"JUDGE0_CALLBACK_BASE_URL", "http://127.0.0.1:4002"},
         {"JUDGE0_CALLBACK_FALLBACK_POLL_MS", "5000"}});
  auto out = run();
  answer(0, 201, created("t1"));
  advance(milliseconds(4999));
  EXPECT_EQ(judge0.calls.size(), 1u);
  advance(milliseconds(1));
  ASSERT_EQ(judge0.calls.size(), 2u);
  EXPECT_EQ(req(1).method, "GET");
  answer(1, 200, finished("t1", 3, "hi\n"));
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->status_id, 3);
}

TEST_F(Judge0PoolTest, AJobStillRunningAtItsDeadlineFailsThere) {
  start({{"JUDGE0_CALLBACKS", "on"}, {"JUDGE0_CALLBACK_BASE_URL", "http://127.0.0.1:4002"},
         {"JUDGE0_CALLBACK_FALLBACK_POLL_MS", "60000"}});
  auto out = run();
  answer(0, 201, created("t1"));
  advance(std::chrono::seconds(10));
  ASSERT_TRUE(*out);
  ASSERT_TRUE((*out)->failure);
  EXPECT_NE((*out)->failure->find("deadline exceeded"), std::string::npos) << *(*out)->failure;
}

TEST_F(Judge0PoolTest, AClientThatDiesMidJobFailsThatJobAndIsReplaced) {
  kill_first_asker = true;
  start({}, /*all_clear=*/false);  // so each client asks the breaker, and the first dies asking
  auto first = run();
  ASSERT_TRUE(*first);
  ASSERT_TRUE((*first)->failure);
  EXPECT_NE((*first)->failure->find("Judge0 client stopped"), std::string::npos) << *(*first)->failure;
  EXPECT_EQ(judge0.calls.size(), 0u);
  auto second = run();  // the replacement client
  ASSERT_EQ(judge0.calls.size(), 1u);
  answer(0, 201, created("t1"));
  answer(1, 200, finished("t1", 3, ""));
  ASSERT_TRUE(*second);
  EXPECT_FALSE((*second)->failure);
  EXPECT_EQ(asks, 2);
}

TEST_F(Judge0PoolTest, TheBreakerOpensOnFailuresFailsJobsFastAndATrialClosesIt) {
  start_with_breaker(2, milliseconds(1000));
  for (std::size_t i = 0; i < 2; ++i) {
    auto out = run();
    answer(i, 500, R"({"error":"boom"})");
    ASSERT_TRUE(*out);
    EXPECT_TRUE((*out)->failure);
  }
  EXPECT_FALSE(view->clear());  // open: callers must ask
  auto fast = run();
  ASSERT_TRUE(*fast);
  ASSERT_TRUE((*fast)->failure);
  EXPECT_NE((*fast)->failure->find("circuit breaker open"), std::string::npos) << *(*fast)->failure;
  EXPECT_EQ(judge0.calls.size(), 2u);  // failed without calling Judge0
  advance(milliseconds(1000));
  auto trial = run();
  ASSERT_EQ(judge0.calls.size(), 3u);
  answer(2, 201, created("t1"));
  answer(3, 200, finished("t1", 3, "hi\n"));
  ASSERT_TRUE(*trial);
  EXPECT_FALSE((*trial)->failure);
  EXPECT_TRUE(view->clear());  // closed again
}
