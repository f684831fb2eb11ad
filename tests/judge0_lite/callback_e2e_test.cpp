// callback_url and the GET cache of the built judge0-lite binary, against a loopback receiver.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

#include "base64.hpp"
#include "callback_receiver.hpp"
#include "judge0_lite_process.hpp"
#include "test_support.hpp"

namespace judge0_lite {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using judge0_lite::testing::callback_receiver;
using judge0_lite::testing::closed_port;
using judge0_lite::testing::have_language;
using judge0_lite::testing::judge0_lite_process;
using judge0_lite::testing::json_quote;
using judge0_lite::testing::received_call;
using judge0_lite::testing::seconds_since;

constexpr int python = 71;

#define REQUIRE_PYTHON() \
  if (!have_language(python)) GTEST_SKIP() << "python3 is not installed"

std::string with_callback(int language, const std::string& source, const std::string& url) {
  return R"({"language_id":)" + std::to_string(language) + R"(,"source_code":)" + json_quote(source) +
         R"(,"callback_url":)" + json_quote(url) + "}";
}

std::vector<std::string> keys_of(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  return keys;
}

// The one callback for `token`, checked for what Judge0 always sends; nullopt after a failure.
json::object only_callback(const callback_receiver& receiver, const judge0_lite_process& server,
                           const std::string& token) {
  auto calls = receiver.wait_for(1, 30s);
  EXPECT_EQ(calls.size(), 1u);
  if (calls.empty()) return {};
  // Delivered means answered: nothing further may come for it.
  EXPECT_FALSE(server.wait_for_log({"callback delivered", token}, 5s).empty());
  EXPECT_EQ(receiver.calls().size(), 1u);
  const received_call& call = calls.front();
  EXPECT_EQ(call.method, "PUT");
  EXPECT_EQ(call.target, "/callback?job=7");
  EXPECT_EQ(call.header("Content-Type"), "application/json");
  for (const auto& [name, value] : call.headers) {
    EXPECT_TRUE(name == "Host" || name == "User-Agent" || name == "Content-Type" || name == "Content-Length")
        << "unexpected header " << name;
  }
  json::object body = json::parse(call.body).as_object();
  EXPECT_EQ(keys_of(body), (std::vector<std::string>{"stdout", "time", "memory", "stderr", "token", "compile_output",
                                                     "message", "status"}));
  EXPECT_EQ(body.at("token"), json::value(json::string(token)));
  return body;
}

std::string decoded(const json::value& v) { return v.is_string() ? decode64(std::string(v.as_string())) : "<null>"; }

TEST(Judge0LiteCallbacks, AcceptedIsPutOnceInBase64EvenWhenTheCreateWasPlain) {
  REQUIRE_PYTHON();
  callback_receiver receiver(200);
  judge0_lite_process server;
  auto created = server.post_json("/submissions?base64_encoded=false",
                                  with_callback(python, "print('hi')", receiver.url("/callback?job=7")));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token(created.json().at("token").as_string());
  json::object body = only_callback(receiver, server, token);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.at("stdout"), json::value(json::string(encode64("hi\n"))));  // "aGkK\n": base64, not "hi\n"
  EXPECT_EQ(json::serialize(body.at("status")), R"({"id":3,"description":"Accepted"})");
  EXPECT_EQ(body.at("stderr"), nullptr);
}

TEST(Judge0LiteCallbacks, CompilationErrorIsCalledBackWithTheCompilerOutput) {
  if (!have_language(50)) GTEST_SKIP() << "gcc is not installed";
  callback_receiver receiver(204);
  judge0_lite_process server;
  std::string token = server.submit(with_callback(50, "int main(void) { return 0 }", receiver.url("/callback?job=7")),
                                    "base64_encoded=false");
  ASSERT_FALSE(token.empty());
  json::object body = only_callback(receiver, server, token);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.at("status").at("id"), 6);
  EXPECT_NE(decoded(body.at("compile_output")).find("error"), std::string::npos);
  EXPECT_EQ(body.at("stdout"), nullptr);
}

TEST(Judge0LiteCallbacks, RuntimeErrorIsCalledBack) {
  REQUIRE_PYTHON();
  callback_receiver receiver(200);
  judge0_lite_process server;
  std::string token =
      server.submit(with_callback(python, "import sys\nprint('x')\nsys.exit(3)", receiver.url("/callback?job=7")));
  ASSERT_FALSE(token.empty());
  json::object body = only_callback(receiver, server, token);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.at("status").at("id"), 11);
  EXPECT_EQ(decoded(body.at("message")), "Exited with error status 3");
  EXPECT_EQ(decoded(body.at("stdout")), "x\n");
}

TEST(Judge0LiteCallbacks, AnHttp500AnswerIsNotRetried) {
  REQUIRE_PYTHON();
  callback_receiver receiver(500);
  judge0_lite_process server;
  std::string token = server.submit(with_callback(python, "print(1)", receiver.url()));
  ASSERT_FALSE(token.empty());
  EXPECT_NE(server.wait_for_log({"callback delivered", token, "\"status\":500", "\"tries\":1"}, 30s), "");
  // A retry would be sent at once; give it time to show up.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(receiver.calls().size(), 1u);
  // The submission is unaffected.
  EXPECT_EQ(server.await_result(token).at("status").at("id"), 3);
}

TEST(Judge0LiteCallbacks, ARefusedConnectionIsTriedMaxTriesTimesThenDropped) {
  REQUIRE_PYTHON();
  judge0_lite_process server;
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/callback";
  std::string token = server.submit(with_callback(python, "print(1)", url));
  ASSERT_FALSE(token.empty());
  EXPECT_NE(server.wait_for_log({"callback failed, dropped", token, "\"tries\":3"}, 30s), "");
  EXPECT_EQ(server.count_log("callback try failed, retrying"), 2u);
  EXPECT_EQ(server.await_result(token).at("status").at("id"), 3);

  judge0_lite_process once({"--callbacks-max-tries", "1"});
  std::string other = once.submit(with_callback(python, "print(1)", url));
  EXPECT_NE(once.wait_for_log({"callback failed, dropped", other, "\"tries\":1"}, 30s), "");
  EXPECT_EQ(once.count_log("retrying"), 0u);
}

TEST(Judge0LiteCallbacks, AHangingReceiverCostsOneTimeoutPerTry) {
  REQUIRE_PYTHON();
  callback_receiver receiver(0);  // reads the PUT, never answers
  judge0_lite_process server({"--callbacks-timeout", "0.3"});
  std::string token = server.submit(with_callback(python, "print(1)", receiver.url()));
  ASSERT_FALSE(token.empty());
  auto first = receiver.wait_for(1, 30s);
  ASSERT_EQ(first.size(), 1u);
  const auto start = first.front().at;
  EXPECT_NE(server.wait_for_log({"callback failed, dropped", token, "\"tries\":3", "\"timed_out\":true"}, 10s), "");
  double spent = seconds_since(start);
  auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (std::size_t i = 1; i < calls.size(); ++i) {
    double gap = std::chrono::duration<double>(calls[i].at - calls[i - 1].at).count();
    EXPECT_GE(gap, 0.25) << "try " << i + 1 << " came before the timeout";
    EXPECT_LT(gap, 1.5) << "try " << i + 1;
  }
  EXPECT_GE(spent, 0.85);
  EXPECT_LT(spent, 3.0);
}

TEST(Judge0LiteCallbacks, WaitTrueStillAnswersAndCallsBack) {
  REQUIRE_PYTHON();
  callback_receiver receiver(200);
  judge0_lite_process server;
  auto r = server.post_json("/submissions?wait=true&fields=status_id",
                            with_callback(python, "print(2)", receiver.url()));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"status_id":3})");
  ASSERT_EQ(receiver.wait_for(1, 10s).size(), 1u);
}

TEST(Judge0LiteCallbacks, AnUnusableCallbackUrlIs422) {
  judge0_lite_process server;
  auto r = server.post_json("/submissions", with_callback(python, "print(1)", "https://127.0.0.1/cb"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"callback_url":["must be an http:// URL"]})");
}

// A job that takes ~0.3 s: polled while it runs, its callback marks when it really finished.
struct finished_behind_a_poll {
  std::string token;
  int status_seen_after_finish = 0;
  std::chrono::steady_clock::time_point first_poll;
};

finished_behind_a_poll poll_then_finish(const judge0_lite_process& server, const callback_receiver& receiver) {
  finished_behind_a_poll out;
  out.token = server.submit(with_callback(python, "import time\ntime.sleep(0.3)\nprint('done')", receiver.url()));
  if (out.token.empty()) return out;
  out.first_poll = std::chrono::steady_clock::now();
  auto early = server.get("/submissions/" + out.token + "?fields=status_id");
  EXPECT_LT(early.json().at("status_id").to_number<int>(), 3);
  EXPECT_EQ(receiver.wait_for(1, 10s).size(), 1u);
  out.status_seen_after_finish =
      server.get("/submissions/" + out.token + "?fields=status_id").json().at("status_id").to_number<int>();
  return out;
}

TEST(Judge0LiteCache, AGetWithinTheCacheTimeCanShowAFinishedJobAsUnfinished) {
  REQUIRE_PYTHON();
  callback_receiver receiver(200);
  judge0_lite_process server({"--submission-cache-duration", "1.5"});
  auto seen = poll_then_finish(server, receiver);
  ASSERT_FALSE(seen.token.empty());
  ASSERT_LT(seconds_since(seen.first_poll), 1.4) << "the job finished too late for this check";
  EXPECT_LT(seen.status_seen_after_finish, 3) << "the answer was not cached";
  // Another rendering of the same cached record: fields and base64 still apply per request.
  auto encoded = server.get("/submissions/" + seen.token + "?base64_encoded=true&fields=stdout,status_id");
  EXPECT_EQ(encoded.json().at("stdout"), nullptr);
  std::this_thread::sleep_until(seen.first_poll + 1600ms);
  auto fresh = server.get("/submissions/" + seen.token + "?fields=status_id,stdout");
  EXPECT_EQ(fresh.body, R"({"stdout":"done\n","status_id":3})");
}

TEST(Judge0LiteCache, ZeroDisablesIt) {
  REQUIRE_PYTHON();
  callback_receiver receiver(200);
  judge0_lite_process server({"--submission-cache-duration", "0"});
  auto seen = poll_then_finish(server, receiver);
  ASSERT_FALSE(seen.token.empty());
  EXPECT_EQ(seen.status_seen_after_finish, 3);
}

}  // namespace
}  // namespace judge0_lite
