// The front on the test coordinator, through its typed interface: each request arrives as the
// server hands it over, with a responder that captures the answer; a mock supervisor, breaker
// and readiness answer what the test says. The contract's order of checks, the answers it renders
// from the supervisor's judge_answer, and the supervisor that never answers. No sockets.
#include "actors/front.hpp"

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <vector>

#include "../support/captured_reply.hpp"
#include "../support/deterministic_fixture.hpp"
#include "../support/test_config.hpp"
#include "messages/atoms.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

const char* kValidBody = R"({"questionId":"q","submissionId":"s1","languageId":71,"sourceCode":"x"})";

class FrontTest : public DeterministicTest {
 protected:
  void start(std::map<std::string, std::string> env = {}) {
    env.insert({"CONVEX_TIMEOUT_MS", "1000"});
    cfg = test_config(std::move(env));
    supervisor = sys.spawn([this](supervisor_actor::pointer) -> supervisor_actor::behavior_type {
      return {
          [this](admit_atom, judge_request& req, request_ticket& t) -> caf::result<judge_answer> {
            admitted.push_back(t);
            if (!supervisor_answers) return caf::delegated<judge_answer>();  // dropped: never answered
            return answer(answer_kind::accepted, t.request_id, req.submission_id);
          },
          [this](admit_atom, inline_judge_request&, request_ticket& t) -> caf::result<judge_answer> {
            admitted.push_back(t);
            return caf::delegated<judge_answer>();
          },
          [this](client_gone_atom, std::uint64_t serial) { gone.push_back(serial); },
          [](drain_atom) {},
          [](abort_atom, std::string&) {},
          [](idle_atom) { return true; },
      };
    });
    breaker = sys.spawn([this](breaker_actor::pointer) -> breaker_actor::behavior_type {
      return {
          [](allow_atom) { return true; },
          [this](rejecting_atom) { return breaker_open; },
          [](record_atom, call_outcome&) {},
      };
    });
    readiness = sys.spawn([this](readiness_actor::pointer) -> readiness_actor::behavior_type {
      return {[this](probe_atom) -> caf::result<bool, std::string> {
        return {ready, std::string(R"({"judge0":{"ok":true},"convex":{"ok":true}})")};
      }};
    });
    front = spawn_front(sys, cfg, front_deps{breaker_handle{breaker, view}, supervisor, readiness, {}, timers::on_caf_clock(sys)});
    sched.run();
  }

  std::shared_ptr<captured_reply> send(std::string method, std::string target, std::string body = "",
                                       http::header_list headers = {{"X-Code-Exec-Key", "k"},
                                                                    {"Content-Type", "application/json"}}) {
    incoming_request in;
    in.req.method = std::move(method);
    in.req.target = std::move(target);
    in.req.body = std::move(body);
    in.req.headers = std::move(headers);
    in.req.remote_address = "127.0.0.1";
    auto reply = std::make_shared<captured_reply>();
    in.reply = reply;
    in.received = now();
    tell(front, std::move(in));
    return reply;
  }

  std::shared_ptr<captured_reply> judge(std::string body = kValidBody) {
    return send("POST", "/v1/judge-question", std::move(body));
  }

  std::shared_ptr<const config> cfg;
  std::shared_ptr<breaker_view> view = std::make_shared<breaker_view>();
  bool breaker_open = false;
  bool ready = true;
  bool supervisor_answers = true;
  std::vector<request_ticket> admitted;
  std::vector<std::uint64_t> gone;
  supervisor_actor supervisor;
  breaker_actor breaker;
  readiness_actor readiness;
  front_actor front;
};

}  // namespace

TEST_F(FrontTest, AnAcceptedSubmissionIs202WithTheRequestIdAndRateLimitHeaders) {
  start();
  auto r = send("POST", "/v1/judge-question", kValidBody,
                {{"X-Code-Exec-Key", "k"}, {"Content-Type", "application/json"}, {"X-Request-Id", "req-1"}});
  EXPECT_EQ(r->status(), 202);
  EXPECT_EQ(r->header("X-Request-Id"), "req-1");
  EXPECT_EQ(r->header("RateLimit-Policy"), "\"default\";q=20;w=60");
  EXPECT_EQ(r->body().at("details").at("requestId"), "req-1");
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(admitted[0].request_id, "req-1");
}

TEST_F(FrontTest, TheChecksComeInTheContractsOrderAndNothingReachesTheSupervisorEarly) {
  start({{"RATE_LIMIT_BURST", "3"}});
  EXPECT_EQ(send("POST", "/nowhere")->status(), 404);
  auto wrong_method = send("GET", "/v1/judge-question");
  EXPECT_EQ(wrong_method->status(), 405);
  EXPECT_EQ(wrong_method->header("Allow"), "POST");
  EXPECT_EQ(send("POST", "/v1/judge-question", kValidBody, {{"Content-Type", "application/json"}})->status(), 401);
  auto too_large = std::make_shared<captured_reply>();
  {
    incoming_request in;
    in.req.method = "POST";
    in.req.target = "/v1/judge-question";
    in.req.headers = {{"X-Code-Exec-Key", "k"}, {"Content-Type", "application/json"}};
    in.req.body_too_large = true;
    in.reply = too_large;
    in.received = now();
    tell(front, std::move(in));
  }
  EXPECT_EQ(too_large->status(), 413);
  EXPECT_EQ(send("POST", "/v1/judge-question", kValidBody, {{"X-Code-Exec-Key", "k"}})->status(), 415);
  auto invalid = judge(R"({"questionId":"q"})");
  EXPECT_EQ(invalid->status(), 400);
  EXPECT_EQ(invalid->body().at("message"), "Invalid request body");
  // 413, 415 and 400 spent the burst of 3 (404, 405 and 401 take no token): the next is limited.
  auto limited = judge();
  EXPECT_EQ(limited->status(), 429);
  EXPECT_FALSE(limited->header("Retry-After").empty());
  EXPECT_TRUE(admitted.empty());
}

TEST_F(FrontTest, AnOpenBreakerIs502AndADrainingFrontRefusesWith503) {
  start();
  view->all_clear = false;
  breaker_open = true;
  auto r = judge();
  EXPECT_EQ(r->status(), 502);
  EXPECT_EQ(r->body().at("message"), "Judge0 unavailable");
  breaker_open = false;
  EXPECT_EQ(judge()->status(), 202);  // asked, and closed again
  tell(front, refuse_atom::value);
  auto refused = judge();
  EXPECT_EQ(refused->status(), 503);
  EXPECT_EQ(refused->body().at("message"), "Service is shutting down");
  EXPECT_EQ(admitted.size(), 1u);
}

TEST_F(FrontTest, ASupervisorThatNeverAnswersIs500AfterItsBound) {
  start();
  supervisor_answers = false;
  auto r = judge();
  advance(milliseconds(1000 + 4000 - 1));  // CONVEX_TIMEOUT_MS + the submission's and the front's margins
  EXPECT_EQ(r->status(), 0);
  advance(milliseconds(1));
  EXPECT_EQ(r->status(), 500);
}

TEST_F(FrontTest, AnInlineClientThatLeavesIsReportedWithItsSerial) {
  start();
  auto r = send("POST", "/v1/judge", R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"","expectedStdout":""}]})");
  ASSERT_EQ(admitted.size(), 1u);
  ASSERT_TRUE(r->gone);
  r->gone();
  sched.run();
  EXPECT_EQ(gone, std::vector<std::uint64_t>{admitted[0].serial});
}

TEST_F(FrontTest, ReadinessReportsEachDependencyAndDrainingTurnsItOff) {
  start();
  auto ok = send("GET", "/readyz", "", {});
  EXPECT_EQ(ok->status(), 200);
  EXPECT_EQ(ok->body(), (boost::json::object{{"ok", true}, {"judge0", {{"ok", true}}}, {"convex", {{"ok", true}}}}));
  ready = false;
  EXPECT_EQ(send("GET", "/readyz", "", {})->status(), 503);
  tell(front, drain_atom::value);
  auto draining = send("GET", "/readyz", "", {});
  EXPECT_EQ(draining->status(), 503);
  EXPECT_EQ(draining->body().at("draining"), true);
  EXPECT_EQ(send("GET", "/healthz", "", {})->status(), 200);
}
