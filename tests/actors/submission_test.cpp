// One submission actor on the test coordinator, between a mock Convex actor and a mock Judge0
// pool actor that speak the real typed conversations. The test moves the clock; no sockets.
#include "actors/submission.hpp"

#include <boost/json.hpp>

#include <functional>
#include <map>

#include "../support/deterministic_fixture.hpp"
#include "config/config.hpp"
#include "http/message.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/judge0_messages.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

// Tells a mock to answer what it holds: promises are delivered from inside their actor.
using release_atom = caf::atom_constant<caf::atom("release")>;
using convex_mock = convex_actor::extend<caf::reacts_to<release_atom>>;
using pool_mock = judge0_pool_actor::extend<caf::reacts_to<release_atom>>;

struct captured_reply final : http::responder {
  std::optional<http::response> got;
  void send(http::response res) override { got = std::move(res); }
};

// A question whose testcase i reads "in i" and expects "out i".
std::string question_body(int count) {
  boost::json::array tcs;
  for (int i = 0; i < count; ++i)
    tcs.push_back({{"_id", "t" + std::to_string(i)},
                   {"visibility", "public"},
                   {"stdin", "in " + std::to_string(i)},
                   {"expectedStdout", "out " + std::to_string(i)},
                   {"order", i}});
  boost::json::object q{{"question",
                         {{"_id", "q"},
                          {"timeLimitSeconds", 2},
                          {"memoryLimitMb", 128},
                          {"outputComparison", {{"trimOutputs", true}, {"normalizeWhitespace", false}, {"caseSensitive", true}}}}},
                        {"testCases", std::move(tcs)}};
  return boost::json::serialize(q);
}

judge0_outcome printed(std::string out) {
  judge0_outcome o;
  o.status_id = 3;
  o.status_description = "Accepted";
  o.stdout_text = std::move(out);
  return o;
}

// What the mock Convex actor answers, and what it was told.
struct convex_script {
  int running_status = 200;
  bool hold_running = false;
  int fetch_status = 200;
  std::string testcases = question_body(3);
  std::vector<caf::typed_response_promise<convex_answer>> held;
  int fetches = 0;
  std::vector<submission_result> results;
};

// What the mock Judge0 pool answers: by default each testcase's expected output.
struct pool_script {
  std::function<std::optional<judge0_outcome>(const judge0_job&)> answer = [](const judge0_job& j) {
    return std::optional<judge0_outcome>(printed("out " + j.run.stdin_text.substr(3)));
  };
  std::vector<std::string> stdins;  // in the order the jobs came
  std::vector<caf::typed_response_promise<judge0_outcome>> held;
};

class SubmissionTest : public DeterministicTest {
 protected:
  SubmissionTest() {
    auto parsed = parse_config_from_map({{"CONVEX_SITE_URL", "http://127.0.0.1:9"},
                                         {"JUDGE0_BASE_URL", "http://127.0.0.1:9"},
                                         {"CODE_EXEC_API_KEYS", "k"},
                                         {"CONVEX_TIMEOUT_MS", "1000"},
                                         {"MAX_REQUEST_RUNTIME_MS", "10000"},
                                         {"LOG_LEVEL", "error"}});
    cfg = std::make_shared<const config>(std::get<config>(parsed));
    convex = sys.spawn([c = &convex_calls](convex_mock::pointer self) -> convex_mock::behavior_type {
      return {
          [self, c](running_atom, submission_kind, std::string&) -> caf::result<convex_answer> {
            if (!c->hold_running) return convex_answer{c->running_status, "{}", ""};
            c->held.push_back(self->make_response_promise<convex_answer>());
            return c->held.back();
          },
          [c](fetch_atom, submission_kind, std::string&) {
            ++c->fetches;
            return convex_answer{c->fetch_status, c->fetch_status == 200 ? c->testcases : "", ""};
          },
          [c](result_atom, submission_kind, submission_result& r) {
            c->results.push_back(r);
            return true;
          },
          [c](release_atom) {
            for (auto& rp : c->held) rp.deliver(convex_answer{200, "{}", ""});
          },
      };
    });
    pool = sys.spawn([p = &pool_calls](pool_mock::pointer self) -> pool_mock::behavior_type {
      return {
          [self, p](run_atom, judge0_job& job) -> caf::result<judge0_outcome> {
            p->stdins.push_back(job.run.stdin_text);
            if (auto o = p->answer(job)) return *o;
            p->held.push_back(self->make_response_promise<judge0_outcome>());
            return p->held.back();
          },
          [](judge0_callback&) {},
          [](ran_for_atom, std::int64_t) {},
          [p](release_atom) {
            for (auto& rp : p->held) rp.deliver(printed("out 0"));
          },
      };
    });
  }

  // Spawns the submission as the supervisor would; `ended` turns true when it is down.
  submission_actor start(bool has_slot = true) {
    submission_args a;
    a.req.question_id = "q";
    a.req.submission_id = "s1";
    a.req.language_id = 71;
    a.req.source_code = "print(input())";
    a.request_id = "r1";
    a.received = now();
    a.reply = reply;
    a.has_slot = has_slot;
    a.cfg = cfg;
    a.convex = convex;
    a.pool = pool;
    a.progress = progress;
    a.time = timers::on_caf_clock(sys);
    submission_actor h;
    // From a handler, as the supervisor does: CAF 0.17 drops the monitor of a spawn made while
    // the spawning actor still initializes.
    parent = sys.spawn([&h, a, ended = &ended](caf::event_based_actor* self) -> caf::behavior {
      self->set_down_handler([ended](caf::down_msg&) { *ended = true; });
      return {[self, &h, a](admit_atom) { h = spawn_submission(self, a); }};
    });
    tell(parent, admit_atom::value);
    return h;
  }

  int status() const { return reply->got ? static_cast<int>(reply->got->status) : 0; }
  const submission_result& only_result() const {
    EXPECT_EQ(convex_calls.results.size(), 1u);
    return convex_calls.results.front();
  }
  std::string error_message() const { return only_result().failure.value().error_message.value_or(""); }

  std::shared_ptr<const config> cfg;
  convex_script convex_calls;
  pool_script pool_calls;
  convex_mock convex;
  pool_mock pool;
  std::shared_ptr<captured_reply> reply = std::make_shared<captured_reply>();
  caf::actor parent;  // the submission's monitor, standing in for the supervisor
  bool ended = false;
  std::shared_ptr<submission_progress> progress = std::make_shared<submission_progress>();
};

}  // namespace

TEST_F(SubmissionTest, AllTestcasesPassInOrderAndOnePassedResultIsPosted) {
  start();
  EXPECT_EQ(status(), 202);
  EXPECT_EQ(pool_calls.stdins, (std::vector<std::string>{"in 0", "in 1", "in 2"}));
  const auto& r = only_result();
  EXPECT_EQ(r.status, result_status::passed);
  EXPECT_EQ(r.passed_count, 3);
  EXPECT_EQ(r.total_count, 3);
  EXPECT_FALSE(r.first_failure_index);
  EXPECT_TRUE(progress->finished.load());
  EXPECT_TRUE(ended);
}

TEST_F(SubmissionTest, StopsAtTheFirstWrongAnswer) {
  pool_calls.answer = [](const judge0_job& j) {
    return std::optional<judge0_outcome>(printed(j.run.stdin_text == "in 1" ? "wrong" : "out 0"));
  };
  start();
  EXPECT_EQ(pool_calls.stdins.size(), 2u);
  const auto& r = only_result();
  EXPECT_EQ(r.status, result_status::failed);
  EXPECT_EQ(r.passed_count, 1);
  EXPECT_EQ(r.first_failure_index, 1);
}

TEST_F(SubmissionTest, AJudge0FailureIsAnErrorAtItsTestcase) {
  pool_calls.answer = [](const judge0_job&) {
    judge0_outcome o;
    o.failure = "Judge0 create failed: connection refused";
    return std::optional<judge0_outcome>(o);
  };
  start();
  const auto& r = only_result();
  EXPECT_EQ(r.status, result_status::error);
  EXPECT_EQ(r.first_failure_index, 0);
  EXPECT_EQ(error_message(), "Judge0 create failed: connection refused");
}

TEST_F(SubmissionTest, AFailedMarkRunningAnswers502AndRunsNothing) {
  convex_calls.running_status = 500;
  start();
  EXPECT_EQ(status(), 502);
  EXPECT_EQ(convex_calls.fetches, 0);
  EXPECT_TRUE(pool_calls.stdins.empty());
  EXPECT_TRUE(convex_calls.results.empty());
  EXPECT_TRUE(ended);
}

TEST_F(SubmissionTest, AnUnansweredMarkRunningIs502WhenTheStallTimerFires) {
  convex_calls.hold_running = true;
  start();
  advance(milliseconds(1000 + 2000 - 1));  // CONVEX_TIMEOUT_MS + the 2 s stall margin
  EXPECT_EQ(status(), 0);
  advance(milliseconds(1));
  EXPECT_EQ(status(), 502);
  EXPECT_TRUE(ended);
  EXPECT_EQ(convex_calls.fetches, 0);
}

TEST_F(SubmissionTest, AMissingQuestionIsAnErrorWithoutIndex) {
  convex_calls.fetch_status = 404;
  start();
  EXPECT_EQ(status(), 202);
  EXPECT_EQ(only_result().status, result_status::error);
  EXPECT_FALSE(only_result().first_failure_index);
  EXPECT_EQ(error_message(), "question not found");
}

TEST_F(SubmissionTest, TheDeadlineEndsAHeldTestcaseWithOneErrorResult) {
  pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };  // Judge0 never ends
  start();
  advance(milliseconds(10000 - 1));
  EXPECT_TRUE(convex_calls.results.empty());
  advance(milliseconds(1));
  EXPECT_EQ(only_result().status, result_status::error);
  EXPECT_EQ(only_result().first_failure_index, 0);
  EXPECT_EQ(error_message(), "deadline exceeded (MAX_REQUEST_RUNTIME_MS)");
  // The pool's late answer changes nothing.
  tell(pool, release_atom::value);
  EXPECT_EQ(convex_calls.results.size(), 1u);
}

TEST_F(SubmissionTest, WithoutASlotItIsAcceptedAndWaitsUntilOneIsGiven) {
  auto h = start(false);
  EXPECT_EQ(status(), 202);
  EXPECT_EQ(convex_calls.fetches, 0);
  tell(h, slot_atom::value);
  EXPECT_EQ(convex_calls.fetches, 1);
  EXPECT_EQ(only_result().status, result_status::passed);
}

TEST_F(SubmissionTest, AnAbortWhileJudgingPostsItsReasonAtTheTestcase) {
  pool_calls.answer = [](const judge0_job& j) {
    return j.run.stdin_text == "in 0" ? std::optional<judge0_outcome>(printed("out 0")) : std::nullopt;
  };
  auto h = start();
  tell(h, abort_atom::value, std::string("service shutting down"));
  EXPECT_EQ(only_result().status, result_status::error);
  EXPECT_EQ(only_result().first_failure_index, 1);
  EXPECT_EQ(only_result().passed_count, 1);
  EXPECT_EQ(error_message(), "service shutting down");
}

TEST_F(SubmissionTest, AnAbortWhileMarkingRunningIsPostedOnceTheMarkSucceeds) {
  convex_calls.hold_running = true;
  auto h = start();
  tell(h, abort_atom::value, std::string("service shutting down"));
  tell(convex, release_atom::value);
  EXPECT_EQ(status(), 202);
  EXPECT_TRUE(pool_calls.stdins.empty());
  EXPECT_EQ(error_message(), "service shutting down");
}
