// Callback mode: Judge0 PUTs the finished submission to the callback listener; the slow fallback
// poll covers whatever the callback does not.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "service_fixture.hpp"

#include "actors/telemetry/metrics.hpp"
#include "messages/base64.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

// A loopback port free right now, for JUDGE0_CALLBACK_BASE_URL (it must be known before start).
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

double callbacks_counted(const std::string& result) {
  std::smatch m;
  auto text = metrics::render();
  std::regex re("code_exec_judge0_callbacks_total\\{result=\"" + result + "\"\\} ([0-9.e+]+)");
  return std::regex_search(text, m, re) ? std::stod(m[1]) : 0.0;
}

class CallbackTest : public ServiceTest {
 protected:
  void start_with_callbacks(int fallback_ms, std::map<std::string, std::string> extra = {}) {
    port = free_port();
    std::map<std::string, std::string> env{{"JUDGE0_CALLBACKS", "on"},
                                           {"JUDGE0_CALLBACK_PORT", std::to_string(port)},
                                           {"JUDGE0_CALLBACK_BASE_URL", "http://127.0.0.1:" + std::to_string(port) + "/"},
                                           {"JUDGE0_CALLBACK_FALLBACK_POLL_MS", std::to_string(fallback_ms)}};
    for (auto& kv : extra) env[kv.first] = kv.second;
    start(env);
    ASSERT_EQ(service->callback_port(), port);
  }

  // One submission of one testcase whose callback Judge0 never sends; the test PUTs instead.
  void submit_with_callbacks_lost(const std::string& submission_id) {
    start_with_callbacks(60000);
    convex.add_echo_question("q", 1);
    judge0_callback_faults f;
    f.drop = true;
    judge0.callbacks(f);
    ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", submission_id, "x")).status, 202);
    ASSERT_TRUE(eventually([&] { return judge0.submits() == 1; }));
  }

  // The callback_url code-exec handed to Judge0 in its last create.
  std::string handed_url() { return std::string(parse(judge0.last_submit_body())["callback_url"].as_string()); }

  http::client_response put(const std::string& url, const std::string& body) {
    return client.call("PUT", url, body, {{"Content-Type", "application/json"}}, std::chrono::seconds(5));
  }

  std::uint16_t port = 0;
};

constexpr int kNoFallback = 60000;

// Judge0's answer to polls stays "Processing": only a callback can finish the job.
judge0_verdict polls_never_see_it_done(const judge0_submission& s) {
  judge0_verdict v;
  v.stdout_text = s.stdin_text;
  v.polls_before_done = 1000;
  return v;
}  // longer than any test: only the callback can finish the job

std::string accepted_body(const std::string& token, const std::string& out) {
  return boost::json::serialize(boost::json::object{
      {"token", token}, {"stdout", base64_encode_lines(out)}, {"stderr", nullptr}, {"compile_output", nullptr},
      {"message", nullptr}, {"time", "0.01"}, {"memory", 1024}, {"status", {{"id", 3}, {"description", "Accepted"}}}});
}

}  // namespace

TEST_F(CallbackTest, CallbackFinishesTheJobWithoutAnyPoll) {
  start_with_callbacks(kNoFallback);
  convex.add_echo_question("q", 2);
  auto before = callbacks_counted("accepted");
  auto r = judge("q", "s-cb");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(r["passedCount"], 2);
  EXPECT_TRUE(judge0.poll_times("tok-1").empty());
  EXPECT_TRUE(judge0.poll_times("tok-2").empty());
  EXPECT_EQ(callbacks_counted("accepted") - before, 2);
  EXPECT_TRUE(std::regex_match(handed_url(), std::regex("http://127\\.0\\.0\\.1:[0-9]+/judge0/callbacks/[0-9a-f]{16}/[0-9a-f]{32}")))
      << handed_url();
}

TEST_F(CallbackTest, CallbackBeforeTheCreatesAnswerIsKeptUntilTheTokenIsKnown) {
  start_with_callbacks(kNoFallback);
  convex.add_echo_question("q", 1);
  judge0_callback_faults f;
  f.before_create_answer = true;
  judge0.callbacks(f);
  judge0.delay(milliseconds(200));
  auto r = judge("q", "s-early");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_TRUE(judge0.poll_times("tok-1").empty());
}

TEST_F(CallbackTest, CallbackAfterFallbackPollsFinishesTheJob) {
  start_with_callbacks(40);
  convex.add_echo_question("q", 1);
  judge0.script(polls_never_see_it_done);
  judge0_callback_faults f;
  f.delay = milliseconds(300);
  judge0.callbacks(f);
  auto r = judge("q", "s-after");
  EXPECT_EQ(r["status"], "passed");
  auto polls = judge0.poll_times("tok-1").size();
  EXPECT_GE(polls, 2u);
  EXPECT_LE(polls, 12u);  // one every 40 ms, not every JUDGE0_POLL_INTERVAL_MS (5 ms)
}

TEST_F(CallbackTest, CallbackDuringAFallbackPollFinishesTheJobOnce) {
  start_with_callbacks(40);
  convex.add_echo_question("q", 1);
  judge0.script(polls_never_see_it_done);
  judge0.delay(milliseconds(200));  // every answer, the polls' too, comes 200 ms after its request
  judge0_callback_faults f;
  f.delay = milliseconds(150);  // from the create's answer: while the first fallback poll waits
  judge0.callbacks(f);
  auto r = judge("q", "s-during");
  EXPECT_EQ(r["status"], "passed");
  std::this_thread::sleep_for(milliseconds(300));  // the stale "Processing" answer arrives meanwhile
  auto polls = judge0.poll_times("tok-1");          // when the mock answered each
  ASSERT_FALSE(polls.empty());
  // Sent 40 ms after the create's answer, so before the PUT at 150 ms, and answered after it.
  EXPECT_LT(polls.front() - judge0.created_at("tok-1"), milliseconds(200 + 150));
  EXPECT_EQ(convex.calls("/coding/submission-result").size(), 1u);
}

TEST_F(CallbackTest, LostCallbackIsFinishedByTheFallbackPoll) {
  start_with_callbacks(30);
  convex.add_echo_question("q", 2);
  judge0_callback_faults f;
  f.drop = true;
  judge0.callbacks(f);
  auto r = judge("q", "s-lost");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(judge0.poll_times("tok-1").size(), 3u);  // In Queue, Processing, done
}

TEST_F(CallbackTest, ALostCallbackFreesItsJudge0SlotAtTheDeadlineNotAtTheFallbackPoll) {
  start_with_callbacks(kNoFallback, {{"MAX_REQUEST_RUNTIME_MS", "1000"}, {"JUDGE0_MAX_INFLIGHT", "1"}});
  convex.add_echo_question("q", 1);
  judge0_callback_faults f;
  f.drop = true;
  judge0.callbacks(f);
  auto lost = judge("q", "s-lost-slot");
  EXPECT_EQ(lost["status"], "error");
  judge0.callbacks({});
  // The only Judge0 slot must be free again, or this one waits past its own deadline.
  auto next = judge("q", "s-next");
  EXPECT_EQ(next["status"], "passed");
}

TEST_F(CallbackTest, CorruptCallbackChangesNothingAndTheFallbackPollFinishes) {
  start_with_callbacks(30);
  convex.add_echo_question("q", 1);
  judge0_callback_faults f;
  f.corrupt = true;
  judge0.callbacks(f);
  auto before = callbacks_counted("invalid");
  auto r = judge("q", "s-corrupt");
  EXPECT_EQ(r["status"], "passed");
  EXPECT_EQ(callbacks_counted("invalid") - before, 1);
  EXPECT_EQ(judge0.callback_statuses(), std::vector<int>{200});
}

TEST_F(CallbackTest, DuplicateCallbacksPostOneResult) {
  start_with_callbacks(kNoFallback);
  convex.add_echo_question("q", 1);
  judge0_callback_faults f;
  f.copies = 3;
  judge0.callbacks(f);
  auto r = judge("q", "s-dup");
  EXPECT_EQ(r["status"], "passed");
  ASSERT_TRUE(eventually([&] { return judge0.callbacks_sent() == 3; }));
  auto statuses = judge0.callback_statuses();
  EXPECT_EQ(statuses[0], 200);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(convex.calls("/coding/submission-result").size(), 1u);
}

TEST_F(CallbackTest, ForgedAndUnknownCallbacksGet404AndChangeNothing) {
  submit_with_callbacks_lost("s-forged");
  auto url = handed_url();
  auto unknown = callbacks_counted("unknown"), bad = callbacks_counted("bad_secret");

  auto forged = url.substr(0, url.size() - 32) + std::string(32, '0');
  EXPECT_EQ(put(forged, accepted_body("tok-1", "wrong\n")).status, 404);
  EXPECT_EQ(callbacks_counted("bad_secret") - bad, 1);
  auto base = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(put(base + "/judge0/callbacks/0123456789abcdef/" + std::string(32, 'a'), "{}").status, 404);
  EXPECT_EQ(callbacks_counted("unknown") - unknown, 1);
  EXPECT_EQ(client.call("GET", url).status, 405);
  EXPECT_EQ(put(base + "/v1/judge", "{}").status, 404);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(convex.accepted_results().count("s-forged"), 0u);

  // The real URL with the job's answer finishes it.
  EXPECT_EQ(put(url, accepted_body("tok-1", "line 0\n")).status, 200);
  ASSERT_TRUE(eventually([&] { return convex.accepted_results().count("s-forged") == 1; }));
  EXPECT_EQ(parse(convex.last_result_body("s-forged"))["status"], "passed");

  // Once the submission ended, its URL is forgotten: 404, and still one result.
  EXPECT_EQ(put(url, accepted_body("tok-1", "other\n")).status, 404);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(convex.calls("/coding/submission-result").size(), 1u);
  EXPECT_EQ(parse(convex.last_result_body("s-forged"))["status"], "passed");
}

TEST_F(CallbackTest, CallbackWithAnotherTokenIsInvalid) {
  submit_with_callbacks_lost("s-token");
  auto invalid = callbacks_counted("invalid");
  EXPECT_EQ(put(handed_url(), accepted_body("tok-99", "wrong\n")).status, 200);
  ASSERT_TRUE(eventually([&] { return callbacks_counted("invalid") - invalid == 1; }));
  EXPECT_EQ(put(handed_url(), accepted_body("tok-1", "line 0\n")).status, 200);
  ASSERT_TRUE(eventually([&] { return convex.accepted_results().count("s-token") == 1; }));
  EXPECT_EQ(parse(convex.last_result_body("s-token"))["status"], "passed");
}

TEST_F(CallbackTest, CallbackDuringDrainIsStillJudged) {
  start_with_callbacks(kNoFallback);
  convex.add_echo_question("q", 1);
  judge0_callback_faults f;
  f.delay = milliseconds(300);
  judge0.callbacks(f);
  ASSERT_EQ(post("/v1/judge-question", judge_question_body("q", "s-drain", "x")).status, 202);
  ASSERT_TRUE(eventually([&] { return judge0.submits() == 1; }));
  service->begin_shutdown();
  ASSERT_TRUE(eventually([&] { return convex.accepted_results().count("s-drain") == 1; }));
  EXPECT_EQ(parse(convex.last_result_body("s-drain"))["status"], "passed");
  EXPECT_TRUE(judge0.poll_times("tok-1").empty());
  EXPECT_TRUE(eventually([&] { return drained.load(); }));
}
