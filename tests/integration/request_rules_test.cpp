// The front's hardening rules against the real binary: start-up refusals, header-safe ids,
// bounded rate-limit subjects, signatures used once, and /v1/judge under admission.
#include "binary_fixture.hpp"

#include "../support/raw_socket.hpp"
#include "actors/policy/signing.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string inline_body(int testcases = 1) {
  boost::json::array tcs;
  for (int i = 0; i < testcases; ++i) tcs.push_back(boost::json::object{{"stdin", "x"}, {"expectedStdout", "x"}});
  return boost::json::serialize(boost::json::object{{"languageId", 71}, {"sourceCode", "s"}, {"testCases", tcs}});
}

}  // namespace

TEST_F(BinaryTest, AuthDisabledWithKeysRefusesToStartNamingBothVariables) {
  service_process p({{"CONVEX_SITE_URL", convex.url()}, {"CODE_EXEC_AUTH", "disabled"}, {"CODE_EXEC_API_KEYS", "k"}});
  EXPECT_FALSE(p.wait_ready(std::chrono::seconds(5)));
  EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 2);
  EXPECT_NE(p.all_output().find("CODE_EXEC_AUTH"), std::string::npos) << p.all_output();
  EXPECT_NE(p.all_output().find("CODE_EXEC_API_KEYS"), std::string::npos) << p.all_output();
}

TEST_F(BinaryTest, AnInvalidUrlsPasswordIsNeverPrinted) {
  for (auto [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"REDIS_URL", "rediss://:TopSecretPw@127.0.0.1:6380"},
           {"CONVEX_SITE_URL", "http://user:TopSecretPw@127.0.0.1:9"}}) {
    std::map<std::string, std::string> env{{"CONVEX_SITE_URL", convex.url()}, {"CODE_EXEC_API_KEYS", "k"}};
    env[name] = value;
    service_process p(env);
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 2) << name;
    EXPECT_NE(p.all_output().find(name), std::string::npos) << p.all_output();
    EXPECT_EQ(p.all_output().find("TopSecretPw"), std::string::npos) << p.all_output();
  }
}

TEST_F(BinaryTest, AnIdNoHeaderCanCarryIs400AndNothingIsMarkedRunning) {
  start();
  convex.add_echo_question("q", 1);
  auto body = [](const std::string& qid, const std::string& sid) {
    return boost::json::serialize(boost::json::object{
        {"questionId", qid}, {"submissionId", sid}, {"languageId", 71}, {"sourceCode", "x"}});
  };
  for (const auto& [qid, sid, path] : std::initializer_list<std::tuple<std::string, std::string, const char*>>{
           {"q", "s\r\nX-Injected: 1", "submissionId"},
           {"q", std::string(100 * 1024, 's'), "submissionId"},
           {"q", std::string("s\0t", 3), "submissionId"},
           {std::string(129, 'q'), "s", "questionId"},
           {"q\tq", "s", "questionId"}}) {
    auto res = post("/v1/judge-question", body(qid, sid));
    ASSERT_EQ(res.status, 400) << res.body;
    auto issues = parse(res.body)["details"].as_object()["issues"].as_array();
    ASSERT_EQ(issues.size(), 1u) << res.body;
    EXPECT_EQ(issues[0].as_object()["path"], path);
  }
  EXPECT_TRUE(convex.calls("/coding/submission-running").empty());
  EXPECT_EQ(post("/v1/judge-question", body("q", std::string(128, 's'))).status, 202);
}

TEST_F(BinaryTest, ASubjectOver128BytesIs400) {
  start();
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Subject", std::string(128, 'u')}}).status, 400);
  auto res = post("/v1/judge-question", "{}", {{"X-Code-Exec-Subject", std::string(129, 'u')}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(parse(res.body)["message"], "X-Code-Exec-Subject exceeds 128 bytes");
}

TEST_F(BinaryTest, ASignedRequestIsAcceptedOnceWithinItsWindow) {
  start({{"CODE_EXEC_SIGNING_SECRETS", "sig-1"}});
  const std::string body = "{}";
  auto now = unix_now();
  http::header_list signed_headers{{"X-Code-Exec-Timestamp", std::to_string(now)},
                                   {"X-Code-Exec-Signature", sign_payload("sig-1", now, body)}};
  EXPECT_EQ(post("/v1/judge-question", body, signed_headers).status, 400);  // authenticated, then a bad body
  EXPECT_EQ(post("/v1/judge-question", body, signed_headers).status, 401);  // the same signature again
  EXPECT_EQ(post("/v1/judge-question", body, signed_headers).status, 401);
  auto later = now + 1;
  EXPECT_EQ(post("/v1/judge-question", body,
                 {{"X-Code-Exec-Timestamp", std::to_string(later)},
                  {"X-Code-Exec-Signature", sign_payload("sig-1", later, body)}})
                .status,
            400);  // a fresh signature of the same body
}

TEST_F(BinaryTest, InlineJudgesShareTheAdmissionAndItsGauges) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_SUBMISSIONS", "1"}, {"JUDGE0_POLL_INTERVAL_MS", "5"},
         {"JUDGE0_MIN_POLL_INTERVAL_MS", "0"}});
  judge0.never_finish(true);
  std::vector<std::thread> running;
  std::atomic<int> answered{0};
  for (int i = 0; i < 2; ++i) {  // one active, one queued; both wait on a Judge0 that never finishes
    running.emplace_back([&] {
      test_client c;
      c.call("POST", proc->url() + "/v1/judge", inline_body(),
             {{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "key-a"}});
      ++answered;
    });
  }
  ASSERT_TRUE(eventually([&] {
    auto m = client.call("GET", proc->url() + "/metrics").body;
    return metric_value(m, "code_exec_active_submissions") == 1 && metric_value(m, "code_exec_queued_submissions") == 1;
  }));
  auto full = post("/v1/judge", inline_body());
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(http::find_header(full.headers, "Retry-After"), "5");
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "s")).status, 503);  // the same slots
  auto m = client.call("GET", proc->url() + "/metrics").body;
  EXPECT_EQ(metric_value(m, R"(code_exec_admission_limit{resource="active"})"), 1);
  EXPECT_GT(metric_value(m, "code_exec_queued_bytes"), 0);
  proc->signal(SIGKILL);
  for (auto& t : running) t.join();
  EXPECT_EQ(answered, 2);
}

TEST_F(BinaryTest, QueuedWorkIsBoundedByBytes) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_BYTES", "2000"}, {"CONVEX_TIMEOUT_MS", "2000"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "holds-the-slot")).status, 202);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "small", std::string(1000, 'x'))).status, 202);
  auto big = post("/v1/judge-question", judge_question_body("q", "big", std::string(1500, 'x')));
  EXPECT_EQ(big.status, 503) << big.body;
  EXPECT_EQ(http::find_header(big.headers, "Retry-After"), "5");
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "fits", std::string(900, 'x'))).status, 202);
}

TEST_F(BinaryTest, AnInlineJudgeWhoseClientLeftStopsAndFreesItsSlot) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_SUBMISSIONS", "0"}});
  convex.add_echo_question("q", 1);
  judge0.never_finish(true);
  const auto body = inline_body(3);
  {
    raw_connection c(proc->port());
    ASSERT_TRUE(c.send("POST /v1/judge HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    ASSERT_TRUE(eventually([&] { return judge0.submits() == 1; }));
    EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "waits")).status, 503);  // the slot is taken
  }  // the client leaves without its answer
  ASSERT_TRUE(eventually([&] {
    return metric_value(client.call("GET", proc->url() + "/metrics").body, "code_exec_active_submissions") == 0;
  }));
  EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", "runs")).status, 202);
  ASSERT_TRUE(eventually([&] { return judge0.submits() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(judge0.submits(), 2);  // the left judge's next testcases never reached Judge0
  bool logged = false;
  for (const auto& line : proc->log_lines()) logged |= line.find("the client is gone") != std::string::npos;
  EXPECT_TRUE(logged) << proc->all_output();
}
