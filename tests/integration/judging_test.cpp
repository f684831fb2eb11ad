// Judging through the real binary, and the redaction guarantee for logs and metrics.
#include "binary_fixture.hpp"

using namespace cx;
using namespace cx::testing;

TEST_F(BinaryTest, JudgesAQuestionEndToEnd) {
  start();
  convex.add_echo_question("q", 3, true);
  auto res = post("/v1/judge-question", judge_question_body("q", "e2e-1"));
  ASSERT_EQ(res.status, 202) << res.body;
  auto o = parse(res.body);
  EXPECT_EQ(o["status"], "accepted");
  EXPECT_EQ(o["message"], "Submission queued for execution");
  ASSERT_TRUE(convex.wait_results(1, std::chrono::seconds(10)));
  auto r = parse(convex.last_result_body("e2e-1"));
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(r["totalCount"], 3);
  auto metrics = client.call("GET", proc->url() + "/metrics").body;
  EXPECT_NE(metrics.find("code_exec_submissions_total{outcome=\"passed\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("code_exec_callbacks_total"), std::string::npos);
  EXPECT_NE(metrics.find("code_exec_judge0_requests_total"), std::string::npos);
}

// The verdict's log line says how many Judge0 API requests the submission took (tools/demo prints it).
TEST_F(BinaryTest, VerdictLogLineCountsTheJudge0Requests) {
  start();
  convex.add_echo_question("q", 3, true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "calls-1")).status, 202);
  ASSERT_TRUE(convex.wait_results(1, std::chrono::seconds(10)));
  std::size_t requests = judge0.submits();
  for (const char* token : {"tok-1", "tok-2", "tok-3"}) requests += judge0.poll_times(token).size();
  ASSERT_GT(requests, 3u);  // the polls count too
  std::optional<std::int64_t> logged;
  ASSERT_TRUE(eventually([&] {
    for (const auto& line : proc->log_lines())
      if (auto o = parse(line); o["msg"] == "submission judged") logged = o["judge0_calls"].as_int64();
    return logged.has_value();
  }));
  EXPECT_EQ(*logged, static_cast<std::int64_t>(requests));
}

// Canary strings travel through every path; none may show up in a log line or a metric.
TEST_F(BinaryTest, LogsAndMetricsNeverContainCodeInputsOutputsOrSecrets) {
  const std::string src = "CANARY_SOURCE_7f3a";
  const std::string in = "CANARY_STDIN_9b2c";
  const std::string expected = "CANARY_EXPECTED_4d1e";
  const std::string out = "CANARY_ACTUAL_8a6f";
  const std::string err = "CANARY_STDERR_2c9d";
  start({{"LOG_LEVEL", "debug"}, {"JUDGE0_API_KEY", "CANARY_J0KEY_11"}, {"CONVEX_CALLBACK_SECRET", "CANARY_CBSECRET_22"},
         {"CODE_EXEC_API_KEYS", "CANARY_APIKEY_33"}, {"MAX_REQUEST_RUNTIME_MS", "2000"}});
  http::header_list key{{"X-Code-Exec-Key", "CANARY_APIKEY_33"}};
  std::string tcs = R"({"question":{"_id":"q","timeLimitSeconds":1,"memoryLimitMb":64,
      "outputComparison":{"trimOutputs":true,"normalizeWhitespace":false,"caseSensitive":true}},
      "testCases":[{"_id":"t","visibility":"public","stdin":")" + in + R"(","expectedStdout":")" + expected + R"(","order":0}]})";
  convex.add_question("q", tcs);
  int n = 0;
  auto submit = [&](std::function<void()> arrange) {
    judge0.reset_faults();
    convex.reset_faults();
    arrange();
    auto id = "canary-" + std::to_string(n++);
    post("/v1/judge-question", judge_question_body("q", id, src), key, false);
  };
  judge0.script([&](const judge0_submission&) {
    judge0_verdict v;
    v.stdout_text = out;
    v.stderr_text = err;
    return v;
  });
  submit([] {});                                                                  // failed (wrong answer)
  submit([&] { judge0.script([&](const judge0_submission&) {
    judge0_verdict v; v.status_id = 11; v.stderr_text = err; v.message = err; return v; }); });  // runtime error
  submit([&] { judge0.fail_submits(500, R"({"error":"x"})"); });                  // Judge0 failure
  submit([&] { convex.fail("/coding/submission-result", 500, 100); });            // Convex failure
  submit([&] { convex.fail("/coding/submission-running", 500, 1); });             // mark-running failure
  post("/v1/judge-question", R"({"sourceCode":")" + src + R"(","junk":")" + in + "\"}", key, false);  // bad request
  post("/v1/judge", R"({"languageId":71,"sourceCode":")" + src + R"(","testCases":[{"stdin":")" + in +
                        R"(","expectedStdout":")" + expected + "\"}]}", key, false);
  convex.wait_results(3, std::chrono::seconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto logs = proc->all_output();
  auto metrics = client.call("GET", proc->url() + "/metrics").body;
  ASSERT_NE(logs.find("submission judged"), std::string::npos) << "the paths were not exercised";
  for (const std::string& canary : {src, in, expected, out, err, std::string("CANARY_J0KEY_11"),
                                    std::string("CANARY_CBSECRET_22"), std::string("CANARY_APIKEY_33")}) {
    EXPECT_EQ(logs.find(canary), std::string::npos) << canary << " leaked into logs";
    EXPECT_EQ(metrics.find(canary), std::string::npos) << canary << " leaked into metrics";
  }
  // Every log line is one JSON object with the fixed keys.
  for (const auto& line : proc->log_lines()) {
    auto o = parse(line);
    ASSERT_TRUE(o.contains("ts") && o.contains("level") && o.contains("msg")) << line;
  }
}
