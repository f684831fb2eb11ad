// The shutdown coordinator in-process: drain, grace deadline, shutdown errors.
#include "service_fixture.hpp"

using namespace cx;
using namespace cx::testing;

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
