// The HTTP edge of the real binary: routes, JSON errors, caps, auth, rate limit, robustness.
#include "binary_fixture.hpp"

#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#include "../support/raw_socket.hpp"
#include "actors/policy/signing.hpp"

using namespace cx;
using namespace cx::testing;

TEST_F(BinaryTest, HealthzAnswersOkAndEchoesRequestId) {
  start();
  auto res = client.call("GET", proc->url() + "/healthz", {}, {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(parse(res.body)["ok"], true);
  EXPECT_EQ(http::find_header(res.headers, "X-Request-Id"), "abc-123");
  auto gen = client.call("GET", proc->url() + "/healthz");
  EXPECT_EQ(http::find_header(gen.headers, "X-Request-Id").size(), 32u);
}

TEST_F(BinaryTest, ReadyzProbesBothDependencies) {
  start();
  auto res = client.call("GET", proc->url() + "/readyz");
  EXPECT_EQ(res.status, 200) << res.body;
  auto o = parse(res.body);
  EXPECT_EQ(o["judge0"].as_object()["ok"], true);
  EXPECT_EQ(o["convex"].as_object()["ok"], true);
}

TEST_F(BinaryTest, ReadyzNamesTheFailedDependency) {
  start({{"JUDGE0_BASE_URL", "http://127.0.0.1:1"}, {"READINESS_CACHE_MS", "0"}});
  auto res = client.call("GET", proc->url() + "/readyz");
  EXPECT_EQ(res.status, 503);
  auto o = parse(res.body);
  EXPECT_EQ(o["ok"], false);
  EXPECT_EQ(o["judge0"].as_object()["ok"], false);
  EXPECT_EQ(o["convex"].as_object()["ok"], true);
}

TEST_F(BinaryTest, ReadyzCountsConvexBelow500AsReachableAndNeedsJudge0s2xx) {
  start({{"CONVEX_HEALTH_PATH", "/health-check"}, {"READINESS_CACHE_MS", "0"}});
  convex.fail("/health-check", 404, 1);
  auto res = client.call("GET", proc->url() + "/readyz");
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(convex.calls("/health-check").size(), 1u);  // CONVEX_HEALTH_PATH is the path probed

  convex.fail("/health-check", 500, 1);
  res = client.call("GET", proc->url() + "/readyz");
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_EQ(parse(res.body)["convex"].as_object()["ok"], false);
  EXPECT_EQ(parse(res.body)["judge0"].as_object()["ok"], true);

  judge0.fail_languages(401);
  res = client.call("GET", proc->url() + "/readyz");
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_EQ(parse(res.body)["judge0"].as_object()["ok"], false);
  EXPECT_EQ(parse(res.body)["convex"].as_object()["ok"], true);
}

TEST_F(BinaryTest, UnknownRouteIsJson404AndWrongMethodIs405WithAllow) {
  start();
  auto nf = client.call("GET", proc->url() + "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(parse(nf.body)["status"], "error");
  auto na = client.call("GET", proc->url() + "/v1/judge-question");
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(http::find_header(na.headers, "Allow"), "POST");
  EXPECT_EQ(http::find_header(na.headers, "Content-Type"), "application/json");
}

TEST_F(BinaryTest, HeadIsServedLikeGetWithoutABody) {
  start();
  // On one connection: were a body sent after the HEAD answer, it would come before the GET's.
  auto raw = raw_exchange(proc->port(),
                          "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto second = raw.find("HTTP/1.1", 1);
  ASSERT_NE(second, std::string::npos) << raw;
  auto head = raw.substr(0, second);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw;
  EXPECT_NE(head.find("Content-Length: 11\r\n"), std::string::npos) << raw;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << raw;
  EXPECT_EQ(raw.substr(raw.size() - 11), R"({"ok":true})") << raw;
  auto post_only = raw_exchange(proc->port(), "HEAD /v1/judge HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(post_only.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << post_only;
  EXPECT_NE(post_only.find("Allow: POST\r\n"), std::string::npos) << post_only;
  EXPECT_EQ(post_only.substr(post_only.size() - 4), "\r\n\r\n") << post_only;
}

TEST_F(BinaryTest, MissingOrWrongKeyIs401) {
  start();
  auto none = post("/v1/judge-question", "{}", {}, false);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, R"({"status":"error","message":"Unauthorized"})");
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Key", "key-c"}}, false).status, 401);
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Key", "key-b"}}, false).status, 400);
}

TEST_F(BinaryTest, OversizedBodyIs413EvenWithAHugeContentLength) {
  start({{"MAX_BODY_BYTES", "2048"}});
  auto res = post("/v1/judge-question", std::string(4096, 'x'));
  EXPECT_EQ(res.status, 413);
  auto raw = raw_exchange(proc->port(),
                          "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\n"
                          "Content-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n{");
  EXPECT_NE(raw.find("413"), std::string::npos) << raw;
  EXPECT_EQ(client.call("GET", proc->url() + "/healthz").status, 200);
}

TEST_F(BinaryTest, NonJsonContentTypeIs415) {
  start();
  auto res = client.call("POST", proc->url() + "/v1/judge-question", "{}",
                         {{"Content-Type", "text/plain"}, {"X-Code-Exec-Key", "key-a"}});
  EXPECT_EQ(res.status, 415);
}

TEST_F(BinaryTest, MalformedJsonIs400NotA500) {
  start();
  auto res = post("/v1/judge-question", "{\"questionId\":");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(parse(res.body)["status"], "error");
}

TEST_F(BinaryTest, ValidationIssuesNameTheirPaths) {
  start();
  auto res = post("/v1/judge-question", R"({"questionId":"q","submissionId":"s1","languageId":"x","sourceCode":""})");
  EXPECT_EQ(res.status, 400);
  auto o = parse(res.body);
  EXPECT_EQ(o["message"], "Invalid request body");
  EXPECT_EQ(o["submissionId"], "s1");
  EXPECT_EQ(o["details"].as_object()["issues"].as_array()[0].as_object()["path"], "languageId");
}

TEST_F(BinaryTest, SourceCapIs400WithMaxBytes) {
  start({{"MAX_SOURCE_BYTES", "10"}});
  auto res = post("/v1/judge-question", judge_question_body("q", "s", std::string(11, 'a')));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(parse(res.body)["details"].as_object()["maxBytes"], 10);
}

// Contract §5: 404 → 405 → 401 → 429 → 413 → 415 → 400. Each request breaks every later rule too,
// so the answer names the first rule broken.
TEST_F(BinaryTest, ChecksComeInTheContractsOrder) {
  start({{"MAX_BODY_BYTES", "2048"}, {"RATE_LIMIT_BURST", "1"}, {"RATE_LIMIT_PER_MINUTE", "1"}});
  const std::string big(4096, 'x');
  auto send = [&](const char* method, const char* path, bool key, const std::string& subject) {
    http::header_list h{{"Content-Type", "text/plain"}, {"X-Code-Exec-Subject", subject}};
    if (key) h.push_back({"X-Code-Exec-Key", "key-a"});
    return client.call(method, proc->url() + path, big, h).status;
  };
  EXPECT_EQ(send("POST", "/v1/nothing", false, "a"), 404);
  EXPECT_EQ(send("GET", "/v1/judge-question", false, "a"), 405);
  EXPECT_EQ(send("POST", "/v1/judge-question", false, "a"), 401);
  EXPECT_EQ(send("POST", "/v1/judge-question", true, "a"), 413);  // takes subject a's one token
  EXPECT_EQ(send("POST", "/v1/judge-question", true, "a"), 429);
  auto typed = client.call("POST", proc->url() + "/v1/judge-question", "{}",
                           {{"Content-Type", "text/plain"}, {"X-Code-Exec-Key", "key-a"}, {"X-Code-Exec-Subject", "b"}});
  EXPECT_EQ(typed.status, 415);
  auto invalid = client.call("POST", proc->url() + "/v1/judge-question", "{",
                             {{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "key-a"}, {"X-Code-Exec-Subject", "c"}});
  EXPECT_EQ(invalid.status, 400);
}

TEST_F(BinaryTest, RateLimitAnswers429WithHeaders) {
  start({{"RATE_LIMIT_BURST", "2"}, {"RATE_LIMIT_PER_MINUTE", "1"}});
  EXPECT_EQ(post("/v1/judge-question", "{}").status, 400);
  auto second = post("/v1/judge-question", "{}");
  EXPECT_EQ(http::find_header(second.headers, "RateLimit-Policy"), "\"default\";q=2;w=60");
  auto third = post("/v1/judge-question", "{}");
  EXPECT_EQ(third.status, 429);
  EXPECT_FALSE(http::find_header(third.headers, "Retry-After").empty());
  EXPECT_NE(std::string(http::find_header(third.headers, "RateLimit")).find("r=0"), std::string::npos);
  // another subject, and another API key, each have their own bucket
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Subject", "user-2"}}).status, 400);
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Key", "key-b"}}, false).status, 400);
  EXPECT_NE(client.call("GET", proc->url() + "/metrics").body.find("code_exec_rate_limited_total 1"), std::string::npos);
}

TEST_F(BinaryTest, AuthDisabledServesWithoutAKeyAndLimitsByClientAddress) {
  start({{"CODE_EXEC_API_KEYS", ""}, {"CODE_EXEC_AUTH", "disabled"}, {"RATE_LIMIT_BURST", "1"},
         {"RATE_LIMIT_PER_MINUTE", "1"}});
  EXPECT_NE(proc->all_output().find("CODE_EXEC_AUTH=disabled"), std::string::npos) << proc->all_output();
  EXPECT_EQ(post("/v1/judge-question", "{}", {}, false).status, 400);  // past auth, refused as a body
  EXPECT_EQ(post("/v1/judge-question", "{}", {}, false).status, 429);  // the same client address
  EXPECT_EQ(post("/v1/judge-question", "{}", {{"X-Code-Exec-Subject", "user-2"}}, false).status, 400);
}

TEST_F(BinaryTest, SignedRequestsAreVerifiedBothWays) {
  start({{"CODE_EXEC_SIGNING_SECRETS", "sig-1"}});
  std::string body = "{}";
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto good = post("/v1/judge-question", body,
                   {{"X-Code-Exec-Timestamp", std::to_string(now)}, {"X-Code-Exec-Signature", sign_payload("sig-1", now, body)}});
  EXPECT_EQ(good.status, 400);  // authenticated, then refused as an invalid body
  // 10 s beyond the tolerance: the service's clock may have ticked since `now` (the exact
  // boundary is unit-tested with a fixed clock in signing_test.cpp).
  auto stale = post("/v1/judge-question", body,
                    {{"X-Code-Exec-Timestamp", std::to_string(now - 310)},
                     {"X-Code-Exec-Signature", sign_payload("sig-1", now - 310, body)}});
  EXPECT_EQ(stale.status, 401);
  auto future = post("/v1/judge-question", body,
                     {{"X-Code-Exec-Timestamp", std::to_string(now + 310)},
                      {"X-Code-Exec-Signature", sign_payload("sig-1", now + 310, body)}});
  EXPECT_EQ(future.status, 401);
  EXPECT_EQ(post("/v1/judge-question", body).status, 401);
}

TEST_F(BinaryTest, ServiceRefusesToStartWithoutKeys) {
  service_process p({{"CONVEX_SITE_URL", convex.url()}});
  EXPECT_FALSE(p.wait_ready(std::chrono::seconds(5)));
  EXPECT_EQ(p.wait_exit(std::chrono::seconds(5)), 2);
  EXPECT_NE(p.all_output().find("CODE_EXEC_API_KEYS"), std::string::npos);
}

TEST_F(BinaryTest, AThousandBadRequestsLeaveItServing) {
  start({{"MAX_BODY_BYTES", "4096"}});
  const std::vector<std::string> bad = {
      "GARBAGE\r\n\r\n",
      "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{",
      "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
      "Content-Length: 9\r\n\r\n{\"a\":[1,",
      "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
      "Content-Length: 99999\r\n\r\n",
      "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /v1/judge HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    auto out = raw_exchange(proc->port(), bad[static_cast<std::size_t>(i) % bad.size()]);
    if (out.rfind("HTTP/1.1 4", 0) == 0) ++answered;
    ASSERT_EQ(out.find("HTTP/1.1 5"), std::string::npos) << out;
  }
  EXPECT_GT(answered, 500);
  EXPECT_EQ(client.call("GET", proc->url() + "/healthz").status, 200);
}

TEST_F(BinaryTest, MetricsExposeEveryContractMetric) {
  start();
  client.call("GET", proc->url() + "/healthz");
  auto res = client.call("GET", proc->url() + "/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(std::string(http::find_header(res.headers, "Content-Type")).find("version=0.0.4"), std::string::npos);
  for (const char* name : {"code_exec_active_submissions", "code_exec_queued_submissions", "code_exec_http_requests_total",
                           "code_exec_http_request_duration_seconds", "code_exec_circuit_breaker_state",
                           "code_exec_rate_limited_total", "code_exec_build_info"}) {
    EXPECT_NE(res.body.find(name), std::string::npos) << name;
  }
}

TEST_F(BinaryTest, MetricsCarryTheContractLabelsAfterAJudgedSubmission) {
  start();
  convex.add_echo_question("q", 1);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "labels-1")).status, 202);
  convex.wait_results(1, std::chrono::seconds(10));
  std::string text;
  // A sample line of `name` that carries every one of `labels` and a value above zero.
  auto has = [&text](const std::string& name, std::initializer_list<std::string> labels) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name + "{", 0) != 0) continue;
      bool all = true;
      for (const auto& l : labels) all = all && line.find(l) != std::string::npos;
      if (all && std::stod(line.substr(line.rfind(' ') + 1)) > 0) return true;
    }
    return false;
  };
  // The result's callback is counted once its answer is back, just after Convex has it; a scrape
  // in between can see its series already created but still at zero.
  EXPECT_TRUE(eventually([&] {
    text = client.call("GET", proc->url() + "/metrics").body;
    return has("code_exec_callbacks_total", {R"(route="/coding/submission-result")", R"(result="ok")"});
  })) << text;
  EXPECT_TRUE(has("code_exec_submissions_total", {R"(outcome="passed")"})) << text;
  EXPECT_TRUE(has("code_exec_http_requests_total", {R"(route="/v1/judge-question")", R"(code="202")"})) << text;
  EXPECT_TRUE(has("code_exec_http_request_duration_seconds_count", {R"(route="/v1/judge-question")"})) << text;
  EXPECT_TRUE(has("code_exec_judge0_requests_total", {R"(op="submit")", R"(result="ok")"})) << text;
  EXPECT_TRUE(has("code_exec_judge0_requests_total", {R"(op="poll")", R"(result="ok")"})) << text;
  EXPECT_TRUE(has("code_exec_judge0_request_duration_seconds_count", {R"(op="poll")"})) << text;
  for (const char* route : {"/coding/submission-running", "/coding/testcases", "/coding/submission-result"})
    EXPECT_TRUE(has("code_exec_callbacks_total", {std::string("route=\"") + route + "\"", R"(result="ok")"})) << route;
}

TEST_F(BinaryTest, MetricsPassPromtoolCheck) {
  start();
  convex.add_echo_question("q", 1);
  post("/v1/judge-question", judge_question_body("q", "m-1"));
  convex.wait_results(1, std::chrono::seconds(10));
  client.call("GET", proc->url() + "/nope");
  auto text = client.call("GET", proc->url() + "/metrics").body;
  auto path = ::testing::TempDir() + "metrics.txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  auto cmd = "promtool check metrics < " + path + " > " + path + ".out 2>&1";
  int rc = std::system(cmd.c_str());
  std::string out;
  if (std::FILE* f = std::fopen((path + ".out").c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, f)) out += buf;
    std::fclose(f);
  }
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << out;
}

TEST_F(BinaryTest, OversizedSignedRequestWithoutSignatureIs401BeforeThe413) {
  start({{"CODE_EXEC_SIGNING_SECRETS", "sig-1"}, {"MAX_BODY_BYTES", "2048"}});
  EXPECT_EQ(post("/v1/judge-question", std::string(4096, 'x')).status, 401);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string body(4096, 'x');
  auto res = post("/v1/judge-question", body,
                  {{"X-Code-Exec-Timestamp", std::to_string(now)}, {"X-Code-Exec-Signature", sign_payload("sig-1", now, body)}});
  EXPECT_EQ(res.status, 413);
}

TEST_F(BinaryTest, ThousandsOfWronglyTypedAndWronglySignedRequestsGetTheRight4xx) {
  start({{"CODE_EXEC_SIGNING_SECRETS", "sig-1"}});
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::vector<std::string> typed = {
      R"({"questionId":1,"submissionId":"s","languageId":71,"sourceCode":""})",
      R"({"questionId":"q","submissionId":"s","languageId":"71","sourceCode":""})",
      R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":[]})",
      R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"","submissionKind":7})",
      R"([1,2,3])",
      R"("just a string")",
  };
  for (int i = 0; i < 2000; ++i) {
    const auto& body = typed[static_cast<std::size_t>(i) % typed.size()];
    http::header_list h;
    int want = 400;
    const auto ts = now - i / 8;  // each correctly signed request is a new one: a signature is good once
    switch (i % 4) {
      case 0:  // correctly signed, wrongly typed
        h = {{"X-Code-Exec-Timestamp", std::to_string(ts)}, {"X-Code-Exec-Signature", sign_payload("sig-1", ts, body)}};
        break;
      case 1:  // signed with another secret
        h = {{"X-Code-Exec-Timestamp", std::to_string(now)}, {"X-Code-Exec-Signature", sign_payload("other", now, body)}};
        want = 401;
        break;
      case 2:  // signature of another body
        h = {{"X-Code-Exec-Timestamp", std::to_string(now)}, {"X-Code-Exec-Signature", sign_payload("sig-1", now, "{}")}};
        want = 401;
        break;
      default:  // garbage headers
        h = {{"X-Code-Exec-Timestamp", "yesterday"}, {"X-Code-Exec-Signature", "v1=nothex"}};
        want = 401;
    }
    auto res = post("/v1/judge-question", body, h);
    ASSERT_EQ(res.status, want) << i << " " << body << " " << res.body;
    ASSERT_EQ(parse(res.body)["status"], "error");
  }
  EXPECT_EQ(client.call("GET", proc->url() + "/healthz").status, 200);
  EXPECT_EQ(judge0.submits(), 0);
}

// The server's own defences against hostile clients (issue #15).

namespace {

using namespace std::chrono_literals;

const std::string kKeyedChunkedHead =
    "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

bool has_status(const std::string& raw, int status) {
  return raw.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_F(BinaryTest, AHugeChunkExtensionIs400NotAGrowingBuffer) {
  start();
  raw_connection c(proc->port());
  ASSERT_TRUE(c.send(kKeyedChunkedHead + "3;"));
  c.send(std::string(256 * 1024, 'a'));  // fails part-way once the server has answered and closed
  auto raw = c.read_all(2s);
  EXPECT_TRUE(has_status(raw, 400)) << raw;
  EXPECT_NE(raw.find("Connection: close"), std::string::npos) << raw;
}

TEST_F(BinaryTest, AHugeTrailerIs400NotAGrowingBuffer) {
  start();
  raw_connection c(proc->port());
  ASSERT_TRUE(c.send(kKeyedChunkedHead + "3\r\n{}\n\r\n0\r\n"));
  for (int i = 0; i < 20000 && c.send("X-Trailer-" + std::to_string(i) + ": v\r\n"); ++i) {
  }
  auto raw = c.read_all(2s);
  EXPECT_TRUE(has_status(raw, 400)) << raw;
}

TEST_F(BinaryTest, UnknownOrStackedTransferCodingsAre400AndWhatFollowsIsNeverARequest) {
  start();
  const std::string smuggled = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::string te : {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: xchunked\r\n",
                         "Transfer-Encoding: identity\r\n", "Transfer-Encoding: chunked, identity\r\n",
                         "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                         "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"}) {
    auto raw = raw_exchange(proc->port(),
                            "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\n"
                            "Content-Type: application/json\r\n" +
                                te + "\r\n0\r\n\r\n" + smuggled);
    EXPECT_TRUE(has_status(raw, 400)) << te << raw;
    EXPECT_EQ(count_of(raw, "HTTP/1.1 "), 1u) << te << raw;  // the smuggled GET got no answer
    EXPECT_EQ(raw.find("code_exec_"), std::string::npos) << te;
  }
}

TEST_F(BinaryTest, Http11NeedsExactlyOneHostAndHttp10None) {
  start();
  EXPECT_TRUE(has_status(raw_exchange(proc->port(), "GET /healthz HTTP/1.1\r\n\r\n"), 400));
  EXPECT_TRUE(has_status(raw_exchange(proc->port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400));
  auto old = raw_exchange(proc->port(), "GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(has_status(old, 200)) << old;
}

TEST_F(BinaryTest, AKeylessBodyIsNeitherInvitedNorRead) {
  start();
  const std::string head =
      "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n";
  raw_connection expecting(proc->port());
  ASSERT_TRUE(expecting.send(head + "Expect: 100-continue\r\n\r\n"));
  auto first = expecting.read_some(2s);
  EXPECT_TRUE(has_status(first, 401)) << first;  // no "100 Continue" before it
  EXPECT_TRUE(expecting.wait_closed(2s));
  // The answer comes from the headers alone: not one body byte is sent.
  raw_connection plain(proc->port());
  ASSERT_TRUE(plain.send(head + "\r\n"));
  auto answer = plain.read_some(2s);
  EXPECT_TRUE(has_status(answer, 401)) << answer;
  // A valid key is invited to send its body.
  raw_connection keyed(proc->port());
  ASSERT_TRUE(keyed.send(head + "X-Code-Exec-Key: key-a\r\nExpect: 100-continue\r\n\r\n"));
  auto invited = keyed.read_some(2s);
  EXPECT_TRUE(has_status(invited, 100)) << invited;
}

TEST_F(BinaryTest, AtTheConnectionCapTheLongestIdleConnectionMakesRoom) {
  start({{"MAX_CONNECTIONS", "4"}});
  std::vector<raw_connection> idle;
  for (int i = 0; i < 4; ++i) {
    idle.emplace_back(proc->port());
    ASSERT_TRUE(idle.back().ok());
    std::this_thread::sleep_for(20ms);  // the server accepts them in this order
  }
  EXPECT_EQ(client.call("GET", proc->url() + "/healthz", {}, {}, 2s).status, 200);
  EXPECT_TRUE(idle[0].wait_closed(2s));
  EXPECT_FALSE(idle[3].wait_closed(100ms));
  auto metrics = client.call("GET", proc->url() + "/metrics", {}, {}, 2s).body;
  EXPECT_NE(metrics.find(R"(code_exec_connections_rejected_total{reason="cap_evicted_idle"})"), std::string::npos);
  EXPECT_NE(metrics.find("code_exec_open_connections "), std::string::npos);
}

TEST_F(BinaryTest, AtTheCapWithEveryConnectionBusyTheNewcomerGets503) {
  start({{"MAX_CONNECTIONS", "2"}});
  std::vector<raw_connection> busy;
  for (int i = 0; i < 2; ++i) {  // each is half-way through a body: not waiting for headers
    busy.emplace_back(proc->port());
    ASSERT_TRUE(busy.back().send(
        "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Length: 100\r\n\r\n{"));
  }
  std::this_thread::sleep_for(200ms);
  raw_connection newcomer(proc->port());
  auto raw = newcomer.read_all(2s);
  EXPECT_TRUE(has_status(raw, 503)) << raw;
  EXPECT_NE(raw.find("Retry-After: 1"), std::string::npos) << raw;
  busy.clear();
  std::this_thread::sleep_for(100ms);
  auto metrics = client.call("GET", proc->url() + "/metrics", {}, {}, 2s).body;
  EXPECT_NE(metrics.find(R"(code_exec_connections_rejected_total{reason="cap_refused"} 1)"), std::string::npos);
}

TEST_F(BinaryTest, UnderALowFileLimitIdleConnectionsCannotStarveHealthz) {
  // 195 idle connections under `ulimit -n 200` once made the accept loop spin on EMFILE.
  proc = std::make_unique<service_process>(service_env(), "/bin/sh",
                                           std::vector<std::string>{"-c", "ulimit -n 200 && exec \"$0\"", CODE_EXEC_BIN});
  ASSERT_TRUE(proc->wait_ready()) << proc->all_output();
  std::vector<raw_connection> idle;
  for (int i = 0; i < 195; ++i) idle.emplace_back(proc->port());
  std::this_thread::sleep_for(200ms);
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(client.call("GET", proc->url() + "/healthz", {}, {}, 2s).status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  }
  EXPECT_NE(proc->all_output().find("connection cap lowered to fit the open-file limit"), std::string::npos);
}
