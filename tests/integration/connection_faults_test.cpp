// Connection-level faults between code-exec and Judge0 or Convex, injected by
// tools/fault-proxy: each ends in the exact terminal result or HTTP answer, never a hang.
#include "binary_fixture.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

class ConnectionFaultTest : public BinaryTest {
 protected:
  // A proxy in front of `target_url` (http://127.0.0.1:PORT) injecting `mode`.
  std::string proxy(const std::string& target_url, const std::string& mode) {
    auto target = target_url.substr(std::string("http://").size());
    proxies.push_back(std::make_unique<service_process>(
        std::map<std::string, std::string>{}, "/usr/bin/node",
        std::vector<std::string>{CX_SOURCE_DIR "/tools/fault-proxy/proxy.mjs", "--target", target, "--mode", mode,
                                 "--drip-ms", "400"}));
    EXPECT_TRUE(proxies.back()->wait_ready()) << proxies.back()->all_output();
    return proxies.back()->url();
  }

  boost::json::object judged(const std::string& sid) {
    EXPECT_EQ(post("/v1/judge-question", judge_question_body("q", sid)).status, 202);
    EXPECT_TRUE(eventually([&] { return convex.accepted_results().count(sid) == 1; }, std::chrono::seconds(15)));
    return parse(convex.last_result_body(sid));
  }

  std::vector<std::unique_ptr<service_process>> proxies;
};

}  // namespace

TEST_F(ConnectionFaultTest, Judge0RefusingConnectionsIsAnError) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", "http://127.0.0.1:1"}});
  auto r = judged("cf-refused");
  EXPECT_EQ(r["status"], "error");
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("connect"), std::string::npos);
}

TEST_F(ConnectionFaultTest, ACreateRefusedBeforeAnyByteLeftIsTriedOnceMoreAtOnceAndCounted) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", "http://127.0.0.1:1"}});
  EXPECT_EQ(judged("cf-refused-retry")["status"], "error");
  auto metrics = client.call("GET", proc->url() + "/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(code_exec_judge0_retries_total{reason="create_not_sent"})"), 1) << metrics;
  EXPECT_EQ(metric_value(metrics, R"(code_exec_judge0_requests_total{op="submit",result="network_error"})"), 2);
  bool logged = false;
  for (const auto& line : proc->log_lines())
    logged |= line.find("\"judge0 retry\"") != std::string::npos && line.find("cf-refused-retry") != std::string::npos;
  EXPECT_TRUE(logged) << proc->all_output();
}

TEST_F(ConnectionFaultTest, Judge0ResettingTheConnectionIsAnError) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", proxy(judge0.url(), "reset")}});
  EXPECT_EQ(judged("cf-reset")["status"], "error");
}

TEST_F(ConnectionFaultTest, Judge0ResetMidBodyIsAnError) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", proxy(judge0.url(), "reset-mid-body")}});
  EXPECT_EQ(judged("cf-reset-mid")["status"], "error");
}

TEST_F(ConnectionFaultTest, Judge0TruncatedJsonIsAnError) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", proxy(judge0.url(), "truncate")}});
  EXPECT_EQ(judged("cf-truncated")["status"], "error");
}

TEST_F(ConnectionFaultTest, Judge0BlackHoleTimesOut) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", proxy(judge0.url(), "blackhole")}, {"JUDGE0_TIMEOUT_MS", "300"}});
  auto r = judged("cf-blackhole");
  EXPECT_EQ(r["status"], "error");
  EXPECT_NE(std::string(r["firstFailure"].as_object()["errorMessage"].as_string()).find("timeout"), std::string::npos);
}

TEST_F(ConnectionFaultTest, Judge0SlowDripIsCutByTheCallTimeout) {
  convex.add_echo_question("q", 1);
  start({{"JUDGE0_BASE_URL", proxy(judge0.url(), "drip")}, {"JUDGE0_TIMEOUT_MS", "500"}});
  EXPECT_EQ(judged("cf-drip")["status"], "error");
}

TEST_F(ConnectionFaultTest, ConvexBlackHoleForMarkRunningIs502InTime) {
  convex.add_echo_question("q", 1);
  start({{"CONVEX_SITE_URL", proxy(convex.url(), "blackhole")}, {"CONVEX_TIMEOUT_MS", "300"}});
  auto t0 = std::chrono::steady_clock::now();
  auto res = post("/v1/judge-question", judge_question_body("q", "cf-convex"));
  EXPECT_EQ(res.status, 502);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}
