// The shutdown coordinator in-process: drain, grace deadline, shutdown errors.
#include "service_fixture.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

// POST /v1/judge from its own thread and client; the future holds the answer.
std::future<http::client_response> post_inline_judge(std::string url) {
  return std::async(std::launch::async, [url = std::move(url)] {
    test_client own;
    return own.call("POST", url, R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"a","expectedStdout":"a"}]})",
                    {{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "test-key"}});
  });
}

}  // namespace

TEST_F(ServiceTest, DrainWaitsForRunningSubmissions) {
  start({{"SHUTDOWN_DELAY_MS", "50"}, {"SHUTDOWN_GRACE_MS", "10000"}});
  convex.add_echo_question("q", 2);
  judge0.delay(std::chrono::milliseconds(100));
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "d1")).status, 202);
  service->begin_shutdown();
  http::client_response ready;
  EXPECT_TRUE(eventually([&] {
    ready = client.call("GET", url("/readyz"));
    return ready.status == 503;
  }));
  EXPECT_EQ(parse(ready.body)["draining"], true);
  ASSERT_TRUE(eventually([&] { return drained.load(); }, std::chrono::seconds(10)));
  EXPECT_EQ(parse(convex.last_result_body("d1"))["status"], "passed");
}

TEST_F(ServiceTest, GraceDeadlinePostsShuttingDownErrors) {
  start({{"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "200"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "g1")).status, 202);
  service->begin_shutdown();
  ASSERT_TRUE(eventually([&] { return drained.load(); }, std::chrono::seconds(10)));
  auto r = parse(convex.last_result_body("g1"));
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "service shutting down");
}

TEST_F(ServiceTest, NewJudgeRequestsAfterTheDelayGet503) {
  start({{"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "5000"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "keep-busy")).status, 202);
  service->begin_shutdown();
  EXPECT_TRUE(eventually([&] { return post("/v1/judge-question", judge_question_body("q", "late")).status == 503; }));
}

TEST_F(ServiceTest, JudgeRequestsDuringTheDelayAreServedThenRefused) {
  start({{"SHUTDOWN_DELAY_MS", "500"}, {"SHUTDOWN_GRACE_MS", "5000"}});
  convex.add_echo_question("q", 1);
  service->begin_shutdown();
  ASSERT_TRUE(eventually([&] { return client.call("GET", url("/readyz")).status == 503; }));
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "during-delay")).status, 202);
  EXPECT_TRUE(eventually([&] { return post("/v1/judge-question", judge_question_body("q", "after")).status == 503; }));
  ASSERT_TRUE(eventually([&] { return drained.load(); }, std::chrono::seconds(10)));
  EXPECT_EQ(parse(convex.last_result_body("during-delay"))["status"], "passed");
}

TEST_F(ServiceTest, TheDrainWaitsForAnInlineJudge) {
  start({{"SHUTDOWN_DELAY_MS", "300"}, {"SHUTDOWN_GRACE_MS", "10000"}});
  judge0.delay(std::chrono::milliseconds(300));  // 4 answers: the inline judge needs 1.2 s or more
  service->begin_shutdown();
  auto inline_answer = post_inline_judge(url("/v1/judge"));
  // Past the 300 ms delay no submission runs, but the inline judge does: no drain yet.
  EXPECT_FALSE(eventually([&] { return drained.load(); }, std::chrono::milliseconds(700)));
  auto res = inline_answer.get();
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(parse(res.body)["status"], "passed") << res.body;
  EXPECT_TRUE(eventually([&] { return drained.load(); }, std::chrono::seconds(10)));
}

TEST_F(ServiceTest, GraceDeadlineAnswersARunningInlineJudgeWith503) {
  start({{"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "300"}});
  judge0.never_finish(true);
  auto inline_answer = post_inline_judge(url("/v1/judge"));
  ASSERT_TRUE(eventually([&] { return judge0.submits() >= 1; }));
  service->begin_shutdown();
  auto res = inline_answer.get();
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_EQ(parse(res.body)["message"], "Service is shutting down");
  ASSERT_TRUE(eventually([&] { return drained.load(); }, std::chrono::seconds(10)));
}

TEST_F(ServiceTest, TheGraceCountsFromTheSignalNotFromTheEndOfTheDelay) {
  start({{"SHUTDOWN_DELAY_MS", "1000"}, {"SHUTDOWN_GRACE_MS", "1200"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "g-from-signal")).status, 202);
  auto signalled = std::chrono::steady_clock::now();
  service->begin_shutdown();
  ASSERT_TRUE(eventually([&] { return convex.accepted_results().count("g-from-signal") == 1; }));
  auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_GE(took, std::chrono::milliseconds(1200));
  EXPECT_LT(took, std::chrono::milliseconds(2000));  // counted from the delay's end it would be 2.2 s
  EXPECT_EQ(parse(convex.last_result_body("g-from-signal"))["status"], "error");
}
