// The built judge0-lite binary, end to end over HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "base64.hpp"
#include "judge0_lite_process.hpp"
#include "test_support.hpp"

namespace judge0_lite {
namespace {

namespace json = boost::json;
using judge0_lite::testing::have_language;
using judge0_lite::testing::installed_languages;
using judge0_lite::testing::judge0_lite_process;
using judge0_lite::testing::json_quote;

constexpr int python = 71;
const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

std::string python_body(const std::string& source, const std::string& extra = "") {
  return R"({"language_id":71,"source_code":)" + json_quote(source) + extra + "}";
}

#define REQUIRE_PYTHON() \
  if (!have_language(python)) GTEST_SKIP() << "python3 is not installed"

TEST(Judge0LiteBinary, PrintsItsPortAndThatItIsNotASandbox) {
  judge0_lite_process server;
  const json::object& line = server.start_line().as_object();
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(line.at("address"), "127.0.0.1");
  EXPECT_NE(json::serialize(line).find("not a sandbox"), std::string::npos);
  EXPECT_EQ(server.get("/").status, 200);
}

TEST(Judge0LiteBinary, StopsCleanlyOnSigterm) {
  judge0_lite_process server;
  int status = server.terminate(std::chrono::seconds(5));
  ASSERT_NE(status, -1) << "did not exit within 5 s";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Judge0LiteApi, RootAnswersEmpty200) {
  judge0_lite_process server;
  auto r = server.get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST(Judge0LiteApi, LanguagesListsTheInstalledToolchainsOnly) {
  judge0_lite_process server;
  auto r = server.get("/languages");
  ASSERT_EQ(r.status, 200);
  json::value listed = r.json();
  std::vector<int> served;
  for (const auto& l : listed.as_array()) served.push_back(l.at("id").to_number<int>());
  std::vector<int> installed;
  for (const auto& l : installed_languages().installed()) installed.push_back(l.id);
  EXPECT_EQ(served, installed);
  for (int id : served) EXPECT_TRUE(id == 46 || id == 50 || id == 54 || id == 63 || id == 71) << id;
  if (have_language(python)) {
    auto one = server.get("/languages/71");
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(one.json().at("source_file"), "script.py");
  }
  EXPECT_EQ(server.get("/languages/999").status, 404);
}

TEST(Judge0LiteApi, StatusesAreJudge0sFourteen) {
  judge0_lite_process server;
  auto r = server.get("/statuses");
  ASSERT_EQ(r.status, 200);
  json::value statuses = r.json();
  const auto& a = statuses.as_array();
  ASSERT_EQ(a.size(), 14u);
  EXPECT_EQ(json::serialize(a[0]), R"({"id":1,"description":"In Queue"})");
  EXPECT_EQ(json::serialize(a[13]), R"({"id":14,"description":"Exec Format Error"})");
}

TEST(Judge0LiteApi, AboutReportsVersion1131) {
  judge0_lite_process server;
  auto r = server.get("/about");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("version"), "1.13.1");
}

TEST(Judge0LiteApi, AuthTokenIsRequiredEverywhereButRoot) {
  judge0_lite_process server({"--auth-token", "s3cret"});
  auto denied = server.get("/languages");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.body, "");
  EXPECT_EQ(server.get("/languages", {{"X-Auth-Token", "wrong"}}).status, 401);
  EXPECT_EQ(server.get("/languages", {{"X-Auth-Token", "s3cret"}}).status, 200);
  EXPECT_EQ(server.get("/languages?X-Auth-Token=s3cret").status, 200);
  EXPECT_EQ(server.post_json("/submissions", python_body("print(1)")).status, 401);
  EXPECT_EQ(server.get("/").status, 200);
}

TEST(Judge0LiteApi, SubmissionGoesThroughTheQueueToAccepted) {
  REQUIRE_PYTHON();
  judge0_lite_process server({"--workers", "1"});
  // The first submission holds the only worker, so the second is seen waiting.
  std::string slow = server.submit(python_body("import time\ntime.sleep(1)\nprint('slow')"));
  ASSERT_FALSE(slow.empty());
  EXPECT_TRUE(std::regex_match(slow, uuid_v4)) << slow;
  auto created = server.post_json("/submissions?base64_encoded=false&wait=false",
                                  python_body("print(input()[::-1])", R"(,"stdin":"abc","expected_output":"cba")"));
  ASSERT_EQ(created.status, 201);
  json::value created_body = created.json();
  const json::object& token_only = created_body.as_object();
  ASSERT_EQ(token_only.size(), 1u);
  std::string token(token_only.at("token").as_string());

  auto queued = server.get("/submissions/" + token + "?fields=status_id,finished_at,stdout");
  ASSERT_EQ(queued.status, 200);
  EXPECT_EQ(queued.json().at("status_id"), 1) << queued.body;
  EXPECT_EQ(queued.json().at("finished_at"), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto running = server.get("/submissions/" + slow + "?fields=status");
  EXPECT_EQ(json::serialize(running.json().at("status")), R"({"id":2,"description":"Processing"})");

  json::value done = server.await_result(token);
  ASSERT_FALSE(done.is_null()) << "no result within 30 s";
  EXPECT_EQ(json::serialize(done.at("status")), R"({"id":3,"description":"Accepted"})");
  EXPECT_EQ(done.at("stdout"), "cba\n");
  EXPECT_EQ(done.at("stderr"), nullptr);
  EXPECT_EQ(done.at("compile_output"), nullptr);
  EXPECT_EQ(done.at("message"), nullptr);
  EXPECT_EQ(done.at("exit_code"), 0);
  EXPECT_TRUE(std::regex_match(std::string(done.at("time").as_string()), std::regex(R"(^\d+\.\d+$)")));
  EXPECT_TRUE(done.at("memory").is_int64());
  EXPECT_EQ(done.at("language").at("id"), 71);
  EXPECT_FALSE(done.at("finished_at").is_null());
  EXPECT_EQ(server.await_result(slow).at("stdout"), "slow\n");
}

TEST(Judge0LiteApi, DefaultFieldsAreJudge0sEight) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  std::string token = server.submit(python_body("print('hi')"));
  ASSERT_FALSE(server.await_result(token).is_null());
  auto r = server.get("/submissions/" + token);
  ASSERT_EQ(r.status, 200);
  json::value shown = r.json();
  std::vector<std::string> keys;
  for (const auto& kv : shown.as_object()) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"stdout", "time", "memory", "stderr", "token", "compile_output", "message",
                                            "status"}));
}

TEST(Judge0LiteApi, Base64RoundTripUsesRubyLineBreaks) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  std::string source = "import sys\nprint(sys.stdin.read().upper() * 3)";
  std::string stdin_text = "the quick brown fox jumps over the lazy dog\n";
  std::string body = R"({"language_id":71,"source_code":)" + json_quote(encode64(source)) +
                     R"(,"stdin":)" + json_quote(encode64(stdin_text)) + "}";
  std::string token = server.submit(body, "base64_encoded=true");
  ASSERT_FALSE(token.empty());
  json::value done = server.await_result(token, "base64_encoded=true");
  ASSERT_FALSE(done.is_null());
  std::string expected_stdout;
  for (int i = 0; i < 3; ++i) expected_stdout += "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG\n";
  expected_stdout += "\n";
  std::string encoded(done.at("stdout").as_string());
  EXPECT_EQ(encoded, encode64(expected_stdout));
  EXPECT_EQ(encoded[60], '\n');
  EXPECT_EQ(decode64(encoded), expected_stdout);
  EXPECT_EQ(std::string(done.at("source_code").as_string()), encode64(source));
}

TEST(Judge0LiteApi, NonAsciiOutputNeedsBase64) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  std::string token = server.submit(python_body("print('caf\\u00e9')"));
  ASSERT_FALSE(server.await_result(token, "base64_encoded=true").is_null());
  auto plain = server.get("/submissions/" + token);
  EXPECT_EQ(plain.status, 400);
  EXPECT_EQ(plain.body,
            R"({"error":"some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter"})");
  auto encoded = server.get("/submissions/" + token + "?base64_encoded=true");
  ASSERT_EQ(encoded.status, 200);
  EXPECT_EQ(decode64(std::string(encoded.json().at("stdout").as_string())), "caf\xc3\xa9\n");
}

TEST(Judge0LiteApi, WaitTrueAnswersWithTheFinishedSubmission) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  auto r = server.post_json("/submissions?wait=true&fields=status_id,stdout,message",
                            python_body("import sys\nprint('x')\nsys.exit(4)"));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"stdout":"x\n","status_id":11,"message":"Exited with error status 4"})");
}

TEST(Judge0LiteApi, CompileErrorComesBackWithCompilerOutput) {
  if (!have_language(50)) GTEST_SKIP() << "gcc is not installed";
  judge0_lite_process server;
  const std::string broken = R"({"language_id":50,"source_code":"int main(void) { return 0 }"})";
  auto r = server.post_json("/submissions?base64_encoded=true&wait=true&fields=status,compile_output,stdout,time",
                            R"({"language_id":50,"source_code":)" + json_quote(encode64("int main(void) { return 0 }")) + "}");
  ASSERT_EQ(r.status, 201);
  json::value v = r.json();
  EXPECT_EQ(v.at("status").at("id"), 6);
  EXPECT_NE(decode64(std::string(v.at("compile_output").as_string())).find("error"), std::string::npos);
  EXPECT_EQ(v.at("stdout"), nullptr);
  EXPECT_EQ(v.at("time"), nullptr);
  // GCC quotes with UTF-8 ‘’, which Judge0 cannot render without base64 (judge0 #100).
  auto plain = server.post_json("/submissions?wait=true", broken);
  ASSERT_EQ(plain.status, 201);
  json::value pv = plain.json();
  EXPECT_TRUE(pv.at("token").is_string());
  EXPECT_EQ(pv.at("error"),
            "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter");
}

TEST(Judge0LiteApi, ValidationErrorsAre422WithRailsBodies) {
  judge0_lite_process server;
  auto unknown = server.post_json("/submissions", R"({"language_id":150000,"source_code":"x"})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body, R"({"language_id":["language with id 150000 doesn't exist"]})");
  if (!have_language(python)) return;
  auto wall = server.post_json("/submissions", python_body("x", R"(,"wall_time_limit":21)"));
  EXPECT_EQ(wall.status, 422);
  EXPECT_EQ(wall.body, R"({"wall_time_limit":["must be less than or equal to 20.0"]})");
  auto cpu = server.post_json("/submissions", python_body("x", R"(,"cpu_time_limit":15.5)"));
  EXPECT_EQ(cpu.body, R"({"cpu_time_limit":["must be less than or equal to 15.0"]})");
  auto memory = server.post_json("/submissions", python_body("x", R"(,"memory_limit":1024)"));
  EXPECT_EQ(memory.body, R"({"memory_limit":["must be greater than or equal to 2048"]})");
  auto big = server.post_json("/submissions", python_body("x", R"(,"memory_limit":600000)"));
  EXPECT_EQ(big.body, R"({"memory_limit":["must be less than or equal to 512000"]})");
  auto blank = server.post_json("/submissions", R"({"language_id":71})");
  EXPECT_EQ(blank.body, R"({"source_code":["can't be blank"]})");
}

TEST(Judge0LiteApi, UnknownTokenIs404AndBadFieldsAre400) {
  judge0_lite_process server;
  auto missing = server.get("/submissions/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "");
  auto missing_json = server.get("/submissions/00000000-0000-4000-8000-000000000000", {{"Accept", "application/json"}});
  EXPECT_EQ(missing_json.body, R"({"status":404,"error":"Not Found"})");
  auto fields = server.get("/submissions/00000000-0000-4000-8000-000000000000?fields=stdout,foo,bar");
  EXPECT_EQ(fields.status, 400);
  EXPECT_EQ(fields.body, R"({"error":"invalid fields: [foo, bar]"})");
  EXPECT_EQ(server.get("/health").status, 404);
}

TEST(Judge0LiteApi, FullQueueAnswers503) {
  REQUIRE_PYTHON();
  judge0_lite_process server({"--workers", "1", "--max-queue", "1"});
  std::string running = server.submit(python_body("import time\ntime.sleep(2)"));
  ASSERT_FALSE(running.empty());
  // Wait until the worker has taken it, so the queue itself is empty again.
  for (int i = 0; i < 100; ++i) {
    auto s = server.get("/submissions/" + running + "?fields=status_id");
    if (s.json().at("status_id") == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(server.submit(python_body("print(1)")).empty());
  auto rejected = server.post_json("/submissions", python_body("print(2)"));
  EXPECT_EQ(rejected.status, 503);
  EXPECT_EQ(rejected.body, R"({"error":"queue is full"})");
}

TEST(Judge0LiteApi, TimeLimitIsEnforcedThroughTheApi) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  auto start = std::chrono::steady_clock::now();
  auto r = server.post_json("/submissions?wait=true&fields=status,message",
                            python_body("while True: pass", R"(,"cpu_time_limit":0.5,"cpu_extra_time":0)"));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"message":"Time limit exceeded","status":{"id":5,"description":"Time Limit Exceeded"}})");
  EXPECT_LT(elapsed, 5.0);
}

}  // namespace
}  // namespace judge0_lite
