// Graceful shutdown of the real binary under load.
#include "binary_fixture.hpp"

#include <csignal>

using namespace cx;
using namespace cx::testing;

TEST_F(BinaryTest, SigtermMidLoadFinishesEverySubmissionExactlyOnce) {
  start({{"SHUTDOWN_DELAY_MS", "100"}, {"SHUTDOWN_GRACE_MS", "20000"}, {"JUDGE0_MAX_INFLIGHT", "32"},
         {"MAX_ACTIVE_SUBMISSIONS", "256"}});
  convex.add_echo_question("q", 2);
  judge0.delay(std::chrono::milliseconds(20));
  const int total = 200;
  for (int i = 0; i < total; ++i)
    ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "drain-" + std::to_string(i))).status, 202);
  auto signalled = std::chrono::steady_clock::now();
  proc->signal(SIGTERM);
  auto code = proc->wait_exit(std::chrono::seconds(25));
  ASSERT_TRUE(code.has_value()) << "did not exit";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(21));
  auto results = convex.accepted_results();
  EXPECT_EQ(results.size(), static_cast<std::size_t>(total));
  for (const auto& kv : results) EXPECT_EQ(kv.second, 1) << kv.first;
}

TEST_F(BinaryTest, TooShortGraceGivesShutdownErrorsAndStillOneResultEach) {
  start({{"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "300"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "short-" + std::to_string(i))).status, 202);
  proc->signal(SIGTERM);
  auto code = proc->wait_exit(std::chrono::seconds(15));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  auto results = convex.accepted_results();
  ASSERT_EQ(results.size(), 20u);
  for (const auto& kv : results) {
    EXPECT_EQ(kv.second, 1);
    auto r = parse(convex.last_result_body(kv.first));
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "service shutting down");
  }
}

TEST_F(BinaryTest, ReadinessTurnsOffAtOnceAndASecondSignalExits130) {
  start({{"SHUTDOWN_DELAY_MS", "5000"}});
  proc->signal(SIGTERM);
  EXPECT_TRUE(eventually([&] { return client.call("GET", proc->url() + "/readyz").status == 503; },
                         std::chrono::seconds(2)));
  EXPECT_EQ(client.call("GET", proc->url() + "/healthz").status, 200);
  proc->signal(SIGTERM);
  EXPECT_EQ(proc->wait_exit(std::chrono::seconds(5)), 130);
}
