// Every outcome row of the contract, driven through the actors with mock Judge0 and Convex.
#include "service_fixture.hpp"

#include "actors/policy/signing.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

judge0_verdict verdict(int status, std::string out = "", std::optional<std::string> err = std::nullopt) {
  judge0_verdict v;
  v.status_id = status;
  v.stdout_text = std::move(out);
  v.stderr_text = std::move(err);
  return v;
}

}  // namespace

TEST_F(ServiceTest, AllTestcasesPassedPostsPassedWithCounts) {
  start();
  convex.add_echo_question("q", 3);
  auto r = judge("q", "s-pass");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(r["passedCount"], 3);
  EXPECT_EQ(r["totalCount"], 3);
  EXPECT_FALSE(r.contains("firstFailure"));
  EXPECT_FALSE(r.contains("firstFailureIndex"));
  EXPECT_TRUE(r["durationMs"].is_int64());
  EXPECT_EQ(judge0.last_submit_target(), "/submissions?base64_encoded=true&wait=false");
  EXPECT_EQ(judge0.last_poll_target(), "/submissions/tok-3?base64_encoded=true&fields=*");
  EXPECT_EQ(judge0.submits(), 3);
  auto running = convex.calls("/coding/submission-running");
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(parse(running[0].body)["submissionId"], "s-pass");
  auto fetch = convex.calls("/coding/testcases");
  ASSERT_EQ(fetch.size(), 1u);
  EXPECT_EQ(parse(fetch[0].body)["questionId"], "q");
}

TEST_F(ServiceTest, StopsAtTheFirstFailureInOrder) {
  start();
  convex.add_echo_question("q", 4);
  judge0.script([](const judge0_submission& s) {
    return s.stdin_text == "line 1\n" ? verdict(3, "nope\n") : verdict(3, s.stdin_text);
  });
  auto r = judge("q", "s-wa");
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["firstFailureIndex"], 1);
  EXPECT_EQ(r["passedCount"], 1);
  EXPECT_EQ(r["totalCount"], 4);
  auto f = r["firstFailure"].as_object();
  EXPECT_EQ(f["errorMessage"], "Wrong answer");
  EXPECT_EQ(f["actualOutput"], "nope\n");
  EXPECT_EQ(f["expectedOutput"], "line 1\n");
  EXPECT_EQ(f["stdin"], "line 1\n");
  EXPECT_EQ(judge0.submits(), 2);
}

TEST_F(ServiceTest, CompileErrorIsReportedAtItsRealIndex) {
  start();
  convex.add_echo_question("q", 3);
  judge0.script([](const judge0_submission& s) {
    if (s.stdin_text != "line 2\n") return verdict(3, s.stdin_text);
    judge0_verdict v = verdict(6);
    v.compile_output = "error: expected ';'";
    return v;
  });
  auto r = judge("q", "s-ce");
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["firstFailureIndex"], 2);
  EXPECT_EQ(r["compileOutput"], "error: expected ';'");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "error: expected ';'");
}

TEST_F(ServiceTest, RuntimeErrorCarriesStderr) {
  start();
  convex.add_echo_question("q", 1);
  judge0.script([](const judge0_submission&) { return verdict(11, "", std::string("ZeroDivisionError")); });
  auto r = judge("q", "s-re");
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["stderr"], "ZeroDivisionError");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "ZeroDivisionError");
}

TEST_F(ServiceTest, TimeLimitExceeded) {
  start();
  convex.add_echo_question("q", 1);
  judge0.script([](const judge0_submission&) { return verdict(5); });
  auto r = judge("q", "s-tle");
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "Time limit exceeded");
}

TEST_F(ServiceTest, HiddenTestcaseFailureRevealsOnlyTheVerdictName) {
  start();
  convex.add_echo_question("q", 2, true);
  judge0.script([](const judge0_submission& s) {
    return s.stdin_text == "line 1\n" ? verdict(11, "", std::string("secret trace")) : verdict(3, s.stdin_text);
  });
  auto r = judge("q", "s-hidden");
  EXPECT_EQ(r["status"], "failed");
  auto f = r["firstFailure"].as_object();
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f["errorMessage"], "Runtime error (NZEC)");
  EXPECT_FALSE(r.contains("stderr"));
}

TEST_F(ServiceTest, RevealHiddenOutputAddsActualOutputAndStderrButNeverTheInput) {
  start({{"REVEAL_HIDDEN_OUTPUT", "true"}});
  convex.add_echo_question("q", 2, true);
  judge0.script([](const judge0_submission& s) {
    return s.stdin_text == "line 1\n" ? verdict(11, "partial\n", std::string("secret trace")) : verdict(3, s.stdin_text);
  });
  auto r = judge("q", "s-reveal");
  EXPECT_EQ(r["status"], "failed");
  auto f = r["firstFailure"].as_object();
  EXPECT_EQ(f["actualOutput"], "partial\n");
  EXPECT_FALSE(f.contains("stdin"));
  EXPECT_FALSE(f.contains("expectedOutput"));
  EXPECT_EQ(r["stderr"], "secret trace");
}

TEST_F(ServiceTest, Judge0InternalErrorIsAnErrorNotAWrongAnswer) {
  start({{"JUDGE0_INTERNAL_ERROR_RETRIES", "0"}});
  convex.add_echo_question("q", 2);
  judge0.script([](const judge0_submission&) { return verdict(13); });
  auto r = judge("q", "s-13");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 0);
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "Judge0 Internal Error");
}

TEST_F(ServiceTest, AStatus13IsRerunOnceAndASuccessfulRerunCounts) {
  start();
  convex.add_echo_question("q", 2);
  std::atomic<int> runs{0};
  judge0.script([&](const judge0_submission& s) {
    if (++runs == 1) return verdict(13);  // the first testcase's first run only
    return verdict(3, s.stdin_text);
  });
  auto retries = [&] {
    return metric_value(client.call("GET", url("/metrics")).body, R"(code_exec_judge0_retries_total{reason="internal_error"})");
  };
  const auto before = std::max(0.0, retries());
  auto r = judge("q", "s-13-once");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(r["passedCount"], 2);
  EXPECT_EQ(judge0.submits(), 3);
  EXPECT_EQ(retries(), before + 1);
}

TEST_F(ServiceTest, AStatus13ThatRepeatsIsTheErrorAfterItsRerun) {
  start({{"JUDGE0_INTERNAL_ERROR_RETRIES", "2"}});
  convex.add_echo_question("q", 2);
  judge0.script([](const judge0_submission&) { return verdict(13); });
  auto r = judge("q", "s-13-always");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 0);
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "Judge0 Internal Error");
  EXPECT_EQ(judge0.submits(), 3);  // the run and its two re-runs
}

TEST_F(ServiceTest, MissingQuestionIsAnErrorWithoutIndex) {
  start();
  auto r = judge("nope", "s-missing");
  EXPECT_EQ(r["status"], "error");
  EXPECT_FALSE(r.contains("firstFailureIndex"));
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "question not found");
}

TEST_F(ServiceTest, WrongShapeFromConvexIsTheDocumentedError) {
  start();
  convex.add_question("q", R"({"question":{"_id":"q"},"testCases":[]})");
  auto r = judge("q", "s-shape");
  EXPECT_EQ(r["status"], "error");
  EXPECT_FALSE(r.contains("firstFailureIndex"));
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "invalid testcases response from Convex");
}

TEST_F(ServiceTest, TooManyTestcasesFromConvexIsAnError) {
  start({{"MAX_TESTCASES", "2"}});
  convex.add_echo_question("q", 3);
  auto r = judge("q", "s-many");
  EXPECT_EQ(r["status"], "error");
  EXPECT_FALSE(r.contains("firstFailureIndex"));
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("MAX_TESTCASES"),
            std::string::npos);
  EXPECT_EQ(judge0.submits(), 0);
}

TEST_F(ServiceTest, Judge0422IsAnErrorWithJudge0sMessage) {
  start();
  convex.add_echo_question("q", 1);
  judge0.fail_submits(422, R"({"language_id":["language with id 999 doesn't exist"]})");
  auto r = judge("q", "s-422");
  EXPECT_EQ(r["status"], "error");
  auto msg = std::string(r["firstFailure"].as_object()["errorMessage"].as_string());
  EXPECT_NE(msg.find("422"), std::string::npos) << msg;
  EXPECT_NE(msg.find("doesn't exist"), std::string::npos) << msg;
}

TEST_F(ServiceTest, Judge0QueueFullIsRetriedNotFailed) {
  start();
  convex.add_echo_question("q", 1);
  judge0.fail_submits(503, R"({"error":"queue is full"})", 2);
  auto r = judge("q", "s-queue");
  EXPECT_EQ(r["status"], "passed");
}

TEST_F(ServiceTest, QueueFullAnd4xxDoNotOpenTheBreaker) {
  start({{"BREAKER_FAILURE_THRESHOLD", "1"}, {"BREAKER_OPEN_MS", "60000"}});
  convex.add_echo_question("q", 1);
  judge0.fail_submits(503, R"({"error":"queue is full"})", 1);
  EXPECT_EQ(judge("q", "s-full")["status"], "passed");
  judge0.fail_submits(422, R"({"language_id":["language with id 71 doesn't exist"]})", 1);
  EXPECT_EQ(judge("q", "s-422")["status"], "error");
  EXPECT_EQ(judge("q", "s-after")["status"], "passed");  // a 502 "Judge0 unavailable" had the breaker opened
  EXPECT_NE(client.call("GET", url("/metrics")).body.find("code_exec_circuit_breaker_state 0"), std::string::npos);
}

TEST_F(ServiceTest, Judge0ServerErrorIsAnErrorAtTheTestcase) {
  start();
  convex.add_echo_question("q", 1);
  judge0.fail_submits(500, R"({"error":"boom"})");
  auto r = judge("q", "s-500");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 0);
}

TEST_F(ServiceTest, InvalidBase64FromJudge0IsAnError) {
  start();
  convex.add_echo_question("q", 1);
  judge0.fail_polls(200, R"({"status":{"id":3,"description":"Accepted"},"stdout":"@@@not base64@@@"})");
  auto r = judge("q", "s-b64");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "Judge0 returned invalid base64");
}

TEST_F(ServiceTest, DeadlineEndsASubmissionStuckInQueue) {
  start({{"MAX_REQUEST_RUNTIME_MS", "400"}});
  convex.add_echo_question("q", 2);
  judge0.never_finish(true);
  auto r = judge("q", "s-deadline");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 0);
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("deadline"), std::string::npos);
  EXPECT_EQ(convex.accepted_results()["s-deadline"], 1);
}

TEST_F(ServiceTest, MarkRunningFailureAnswers502AndRunsNothing) {
  start();
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-running", 500, 1);
  auto res = post("/v1/judge-question", judge_question_body("q", "s-502"));
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(parse(res.body)["message"], "Failed to mark submission as running");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(convex.calls("/coding/testcases").empty());
  EXPECT_EQ(judge0.submits(), 0);
}

TEST_F(ServiceTest, MarkRunningTimeoutAnswers502) {
  start({{"CONVEX_TIMEOUT_MS", "150"}});
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-running", 0, 1, std::chrono::milliseconds(600));
  auto res = post("/v1/judge-question", judge_question_body("q", "s-slow"));
  EXPECT_EQ(res.status, 502);
}

TEST_F(ServiceTest, ResultIsRetriedUntilConvexAcceptsItOnce) {
  start();
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-result", 503, 2);
  auto r = judge("q", "s-retry");
  EXPECT_EQ(r["status"], "passed");
  auto calls = convex.calls("/coding/submission-result");
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& c : calls) EXPECT_EQ(http::find_header(c.headers, "Idempotency-Key"), "s-retry");
  EXPECT_EQ(convex.accepted_results()["s-retry"], 1);
}

TEST_F(ServiceTest, AResult429IsRetriedAfterItsRetryAfter) {
  start();
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-result", 429, 1, {}, "1");
  auto started = std::chrono::steady_clock::now();
  auto r = judge("q", "s-429");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(convex.calls("/coding/submission-result").size(), 2u);
  // Without the header the first retry waits at most the 200 ms backoff base.
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST_F(ServiceTest, PersonalizedSubmissionsUseThePersonalizedRoutes) {
  start();
  convex.add_echo_question("q", 1);
  auto res = post("/v1/judge-question", judge_question_body("q", "s-pers", "x", "personalized"));
  ASSERT_EQ(res.status, 202);
  ASSERT_TRUE(eventually([&] { return convex.accepted_results().count("s-pers") == 1; }));
  EXPECT_EQ(convex.calls("/coding/personalized-submission-running").size(), 1u);
  EXPECT_EQ(convex.calls("/coding/personalized-testcases").size(), 1u);
  EXPECT_EQ(convex.calls("/coding/personalized-submission-result").size(), 1u);
  EXPECT_TRUE(convex.calls("/coding/submission-result").empty());
}

TEST_F(ServiceTest, DuplicateInFlightGets202AndDoesNotRunTwice) {
  start();
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "s-dup")).status, 202);
  auto second = post("/v1/judge-question", judge_question_body("q", "s-dup"));
  EXPECT_EQ(second.status, 202);
  EXPECT_TRUE(parse(second.body)["details"].as_object()["duplicate"].as_bool());
  EXPECT_EQ(convex.calls("/coding/submission-running").size(), 1u);
}

TEST_F(ServiceTest, Judge0InFlightBoundHoldsUnderLoad) {
  start({{"JUDGE0_MAX_INFLIGHT", "3"}});
  convex.add_echo_question("q", 2);
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "s-load-" + std::to_string(i))).status, 202);
  ASSERT_TRUE(convex.wait_results(20, std::chrono::seconds(20)));
  EXPECT_LE(judge0.max_in_flight(), 3);
  EXPECT_GE(judge0.max_in_flight(), 2);
  EXPECT_EQ(judge0.submits(), 40);
}

TEST_F(ServiceTest, AdmissionQueuesThenRefusesWith503) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_SUBMISSIONS", "1"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "a1")).status, 202);
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "a2")).status, 202);
  auto third = post("/v1/judge-question", judge_question_body("q", "a3"));
  EXPECT_EQ(third.status, 503);
  EXPECT_FALSE(http::find_header(third.headers, "Retry-After").empty());
  // only the active one reached Judge0
  EXPECT_TRUE(eventually([&] { return judge0.submits() == 1; }));
  auto metrics = client.call("GET", url("/metrics")).body;
  EXPECT_NE(metrics.find("code_exec_active_submissions 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("code_exec_queued_submissions 1"), std::string::npos);
}

TEST_F(ServiceTest, BreakerOpensAndFailsFastBeforeAnyConvexCall) {
  start({{"BREAKER_FAILURE_THRESHOLD", "2"}, {"BREAKER_OPEN_MS", "60000"}});
  convex.add_echo_question("q", 1);
  judge0.fail_submits(500, R"({"error":"down"})");
  judge("q", "b1");
  judge("q", "b2");
  auto before = convex.calls("/coding/submission-running").size();
  auto res = post("/v1/judge-question", judge_question_body("q", "b3"));
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(parse(res.body)["message"], "Judge0 unavailable");
  EXPECT_EQ(convex.calls("/coding/submission-running").size(), before);
  EXPECT_NE(client.call("GET", url("/metrics")).body.find("code_exec_circuit_breaker_state 1"), std::string::npos);
}

TEST_F(ServiceTest, ABreakerThatOpensMidSubmissionGivesAnErrorAtTheNextTestcase) {
  start({{"BREAKER_FAILURE_THRESHOLD", "1"}, {"BREAKER_OPEN_MS", "60000"}});
  convex.add_echo_question("q", 2);
  judge0.fail_polls(500, R"({"error":"blip"})", 1);  // opens the breaker; the poll is retried and passes
  auto r = judge("q", "s-opened");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 1);
  EXPECT_EQ(r["passedCount"], 1);
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("circuit breaker open"),
            std::string::npos);
  EXPECT_EQ(judge0.submits(), 1);
}

TEST_F(ServiceTest, CallbacksAreSignedWhenASecretIsSet) {
  start({{"CONVEX_CALLBACK_SECRET", "cb-secret"}});
  convex.add_echo_question("q", 1);
  judge("q", "s-signed");
  for (const auto& c : convex.calls("/coding/submission-result")) {
    auto ts = std::string(http::find_header(c.headers, "X-Code-Exec-Timestamp"));
    auto sig = std::string(http::find_header(c.headers, "X-Code-Exec-Signature"));
    ASSERT_FALSE(ts.empty());
    EXPECT_EQ(sig, sign_payload("cb-secret", std::stoll(ts), c.body));
  }
}

TEST_F(ServiceTest, UnsignedWhenNoSecret) {
  start();
  convex.add_echo_question("q", 1);
  judge("q", "s-unsigned");
  auto calls = convex.calls("/coding/submission-running");
  ASSERT_FALSE(calls.empty());
  EXPECT_TRUE(http::find_header(calls[0].headers, "X-Code-Exec-Signature").empty());
}

TEST_F(ServiceTest, InlineJudgePassedAndFailedShapes) {
  start();
  auto ok = post("/v1/judge", R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"a","expectedStdout":"a"}]})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto o = parse(ok.body);
  EXPECT_EQ(o["status"], "passed");
  EXPECT_EQ(o["summary"].as_object()["passedCount"], 1);
  EXPECT_FALSE(o.contains("firstFailure"));

  judge0.script([](const judge0_submission&) { return verdict(3, "b"); });
  auto bad = post("/v1/judge", R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"a","expectedStdout":"a","name":"t"}]})");
  ASSERT_EQ(bad.status, 200);
  auto f = parse(bad.body)["firstFailure"].as_object();
  EXPECT_EQ(f["index"], 0);
  EXPECT_EQ(f["actualStdout"], "b");
  EXPECT_TRUE(f["stderr"].is_null());
  EXPECT_TRUE(f["compileOutput"].is_null());
  EXPECT_EQ(f["testCase"].as_object()["name"], "t");
  EXPECT_EQ(f["judge0"].as_object()["status"].as_object()["id"], 3);
}

TEST_F(ServiceTest, InlineJudgeSendsOnlyGivenLimits) {
  start();
  post("/v1/judge", R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"a","expectedStdout":"a"}],"limits":{"cpuTimeSeconds":99}})");
  auto body = parse(judge0.last_submit_body());
  EXPECT_EQ(body["cpu_time_limit"].to_number<double>(), 15);
  EXPECT_FALSE(body.contains("memory_limit"));
  EXPECT_FALSE(body.contains("wall_time_limit"));
}

TEST_F(ServiceTest, InlineJudgeAnswers502WhenJudge0Fails) {
  start();
  judge0.script([](const judge0_submission&) { return verdict(14); });
  auto res = post("/v1/judge", R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"a","expectedStdout":"a"}]})");
  EXPECT_EQ(res.status, 502);
  auto o = parse(res.body);
  EXPECT_EQ(o["status"], "error");
  EXPECT_EQ(o["details"].as_object()["testcaseIndex"], 0);
}

TEST_F(ServiceTest, Judge0AuthTokenIsSentWhenConfigured) {
  start({{"JUDGE0_API_KEY", "j0-token"}});
  convex.add_echo_question("q", 1);
  judge("q", "s-token");
  EXPECT_EQ(judge0.last_auth_token(), "j0-token");
}

TEST_F(ServiceTest, ConvexFetchFailingForAWhileThenRecoveringStillJudges) {
  start();
  convex.add_echo_question("q", 1);
  convex.fail("/coding/testcases", 503, 2);
  auto r = judge("q", "s-fetch-recovers");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(convex.calls("/coding/testcases").size(), 3u);
}

TEST_F(ServiceTest, ConvexDownForTheResultIsCountedAsUndelivered) {
  start({{"CALLBACK_MAX_ATTEMPTS", "2"}});
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-result", 500, 100);
  auto undelivered = [&] { return metric_value(client.call("GET", url("/metrics")).body, "code_exec_results_undelivered_total"); };
  const auto before = undelivered();
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "s-undelivered")).status, 202);
  ASSERT_TRUE(eventually([&] { return convex.calls("/coding/submission-result").size() == 2; }));
  EXPECT_TRUE(eventually([&] { return undelivered() == before + 1; })) << before;
  EXPECT_TRUE(convex.accepted_results().empty());
}

TEST_F(ServiceTest, AResultPostThatTimesOutIsRetriedWithTheSameIdempotencyKey) {
  start({{"CONVEX_TIMEOUT_MS", "150"}});
  convex.add_echo_question("q", 1);
  convex.fail("/coding/submission-result", 0, 1, std::chrono::milliseconds(600));  // answers too late
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "s-slow-result")).status, 202);
  ASSERT_TRUE(eventually([&] { return convex.calls("/coding/submission-result").size() == 2; }));
  for (const auto& c : convex.calls("/coding/submission-result"))
    EXPECT_EQ(http::find_header(c.headers, "Idempotency-Key"), "s-slow-result");
  auto metrics = client.call("GET", url("/metrics")).body;
  EXPECT_NE(metrics.find(R"(code_exec_callbacks_total{result="timeout",route="/coding/submission-result"} 1)"),
            std::string::npos) << metrics;
}

TEST_F(ServiceTest, Judge0HangingIsATimeoutError) {
  start({{"JUDGE0_TIMEOUT_MS", "100"}});
  convex.add_echo_question("q", 1);
  judge0.delay(std::chrono::milliseconds(400));
  auto r = judge("q", "s-hang");
  EXPECT_EQ(r["status"], "error");
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("timeout"), std::string::npos);
}

TEST_F(ServiceTest, Judge0InvalidJsonIsAnError) {
  start();
  convex.add_echo_question("q", 1);
  judge0.fail_polls(200, "{not json");
  auto r = judge("q", "s-badjson");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailure"].as_object()["errorMessage"], "Judge0 returned invalid JSON");
}

TEST_F(ServiceTest, Judge0DownIsAnError) {
  start({{"JUDGE0_BASE_URL", "http://127.0.0.1:1"}});
  convex.add_echo_question("q", 1);
  auto r = judge("q", "s-down");
  EXPECT_EQ(r["status"], "error");
  EXPECT_EQ(r["firstFailureIndex"], 0);
}

TEST_F(ServiceTest, ReadinessAnswersFromItsCacheWithinReadinessCacheMs) {
  start({{"READINESS_CACHE_MS", "60000"}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.call("GET", url("/readyz")).status, 200);
  EXPECT_EQ(judge0.language_probes(), 1);
}

TEST_F(ServiceTest, ReadinessWithoutACacheProbesEveryTime) {
  start({{"READINESS_CACHE_MS", "0"}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.call("GET", url("/readyz")).status, 200);
  EXPECT_EQ(judge0.language_probes(), 3);
}

// Contract §5, the later half: 400 → 503 draining → 502 breaker → 503 admission.
TEST_F(ServiceTest, TheLaterChecksComeInTheContractsOrder) {
  start({{"BREAKER_FAILURE_THRESHOLD", "1"}, {"BREAKER_OPEN_MS", "60000"}, {"MAX_ACTIVE_SUBMISSIONS", "1"},
         {"MAX_QUEUED_SUBMISSIONS", "0"}, {"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "5000"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "holds-the-slot")).status, 202);
  judge0.fail_polls(500, R"({"error":"blip"})", 1);  // opens the breaker; the submission keeps polling
  // Until the breaker opens "next" meets the full admission (503); then the breaker's 502 comes first.
  EXPECT_TRUE(eventually([&] { return post("/v1/judge-question", judge_question_body("q", "next")).status == 502; }));
  service->begin_shutdown();
  ASSERT_TRUE(eventually([&] { return post("/v1/judge-question", judge_question_body("q", "late")).status == 503; }));
  EXPECT_EQ(post("/v1/judge-question", "{").status, 400);
}
