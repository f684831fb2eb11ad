// The supervisor on the test coordinator, through its typed interface, with the real submission
// and inline judge actors between a mock Convex actor and a mock Judge0 pool: admission and FIFO
// order, duplicates, the answers it owns, crashes, the drain. The test moves the clock.
#include "actors/supervisor.hpp"

#include <algorithm>
#include <memory>

#include "../support/deterministic_fixture.hpp"
#include "../support/mock_actors.hpp"
#include "../support/test_config.hpp"
#include "http/judge_answers.hpp"
#include "messages/atoms.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

using held_answer = std::shared_ptr<std::optional<judge_answer>>;

class SupervisorTest : public DeterministicTest {
 protected:
  // A child still running holds its owner, and the owner holds it: end them as the app does.
  ~SupervisorTest() override {
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(std::map<std::string, std::string> env = {}) {
    env.insert({{"CONVEX_TIMEOUT_MS", "1000"}, {"MAX_REQUEST_RUNTIME_MS", "10000"}});
    cfg = test_config(std::move(env));
    convex = spawn_convex_mock(sys, &convex_calls);
    pool = spawn_pool_mock(sys, &pool_calls);
    supervisor = spawn_supervisor(sys, cfg, convex, pool, timers::on_caf_clock(sys));
    sched.run();
  }

  // Sends an admission as the front does; the answer lands in the returned slot when it comes.
  template <class Request>
  held_answer admit_request(Request req) {
    request_ticket t{"r" + std::to_string(++serial), now(), serial};
    return ask_later<judge_answer>(supervisor, admit_atom::value, req, t);
  }

  held_answer admit(const std::string& submission_id) {
    judge_request req;
    req.question_id = "q";
    req.submission_id = submission_id;
    req.language_id = 71;
    req.source_code = "print(input())";
    return admit_request(req);
  }

  held_answer admit_inline(int testcases = 2) {
    inline_judge_request req;
    req.language_id = 71;
    req.source_code = "print(input())";
    for (int i = 0; i < testcases; ++i) req.testcases.push_back({"in " + std::to_string(i), "out " + std::to_string(i), {}});
    return admit_request(req);
  }

  static int status(const held_answer& a) { return *a ? http::respond(**a).status : 0; }

  std::optional<bool> idle() { return ask<bool>(supervisor, idle_atom::value); }

  std::vector<std::string> result_ids() const {
    std::vector<std::string> ids;
    for (auto& r : convex_calls.results) ids.push_back(r.submission_id);
    return ids;
  }
  std::string result_message(std::size_t i) const {
    return convex_calls.results.at(i).failure.value().error_message.value_or("");
  }

  void hold_judge0() {
    pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };
  }

  std::shared_ptr<const config> cfg;
  convex_script convex_calls;
  pool_script pool_calls;
  convex_mock convex;
  pool_mock pool;
  supervisor_actor supervisor;
  std::uint64_t serial = 0;
};

}  // namespace

TEST_F(SupervisorTest, ASubmissionIsAcceptedAfterMarkRunningAndEndsWithOneResult) {
  start();
  auto a = admit("s1");
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->kind, answer_kind::accepted);
  EXPECT_EQ(status(a), 202);
  EXPECT_EQ(result_ids(), std::vector<std::string>{"s1"});
  EXPECT_EQ(convex_calls.results.front().status, result_status::passed);
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorTest, ADuplicateInFlightIsAcceptedAsDuplicateAndNotRunTwice) {
  start();
  hold_judge0();
  auto first = admit("s1");
  auto second = admit("s1");
  EXPECT_EQ((*first)->kind, answer_kind::accepted);
  ASSERT_TRUE(*second);
  EXPECT_EQ((*second)->kind, answer_kind::duplicate);
  EXPECT_NE(http::respond(**second).body.find("\"duplicate\":true"), std::string::npos);
  EXPECT_EQ(convex_calls.marked, std::vector<std::string>{"s1"});
  EXPECT_EQ(pool_calls.stdins.size(), 1u);
}

TEST_F(SupervisorTest, BeyondTheQueueItAnswersOverloadedWithRetryAfter) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_SUBMISSIONS", "1"}});
  hold_judge0();
  auto running = admit("a");
  auto queued = admit("b");
  auto refused = admit("c");
  EXPECT_EQ(status(running), 202);
  EXPECT_EQ(status(queued), 202);
  ASSERT_TRUE(*refused);
  auto res = http::respond(**refused);
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(http::find_header(res.headers, "Retry-After"), "5");
  EXPECT_NE(res.body.find("\"submissionId\":\"c\""), std::string::npos);
  EXPECT_EQ(convex_calls.marked, (std::vector<std::string>{"a", "b"}));  // c was never marked running
  // An inline run is admitted against the same slots and queue.
  EXPECT_EQ(status(admit_inline()), 503);
}

TEST_F(SupervisorTest, QueuedSubmissionsGetTheSlotInTheOrderTheyCame) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}});
  convex_calls.testcases = question_body(1);
  hold_judge0();
  for (auto id : {"a", "b", "c"}) EXPECT_EQ(status(admit(id)), 202);
  EXPECT_EQ(pool_calls.submission_ids, std::vector<std::string>{"a"});
  for (int i = 0; i < 3; ++i) tell(pool, release_atom::value);
  EXPECT_EQ(pool_calls.submission_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(result_ids(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorTest, ASubmissionThatCrashesAfterItsAcceptedStillGetsOneErrorResult) {
  start();
  convex_calls.on_fetch = [](caf::strong_actor_ptr asker) {
    caf::anon_send_exit(caf::actor_cast<caf::actor>(asker), caf::exit_reason::kill);
  };
  auto a = admit("s-crash");
  EXPECT_EQ(status(a), 202);
  ASSERT_EQ(result_ids(), std::vector<std::string>{"s-crash"});
  EXPECT_EQ(convex_calls.results.front().status, result_status::error);
  EXPECT_EQ(result_message(0), "internal error while judging");
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorTest, ASubmissionThatDiesBeforeItAnsweredIsAnswered500AndPostsNothing) {
  start();
  convex_calls.hold_running = true;
  auto a = admit("s1");
  EXPECT_FALSE(*a);
  ASSERT_EQ(convex_calls.marked_by.size(), 1u);
  caf::anon_send_exit(caf::actor_cast<caf::actor>(convex_calls.marked_by.front()), caf::exit_reason::kill);
  sched.run();
  EXPECT_EQ(status(a), 500);
  EXPECT_TRUE(convex_calls.results.empty());  // never accepted: Convex marks it error itself
}

TEST_F(SupervisorTest, AMarkRunningNeverAnsweredIs502OnceItsRequestTimesOut) {
  start();
  convex_calls.hold_running = true;
  auto a = admit("s1");
  advance(milliseconds(1000 + 2000 - 1));  // CONVEX_TIMEOUT_MS + the 2 s reply margin
  EXPECT_FALSE(*a);
  advance(milliseconds(1));
  EXPECT_EQ(status(a), 502);
  EXPECT_TRUE(pool_calls.stdins.empty());
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorTest, AResultNeverAnsweredFreesTheSlotAfterItsBudgetWithoutASecondResult) {
  start({{"CALLBACK_MAX_ATTEMPTS", "1"}, {"MAX_ACTIVE_SUBMISSIONS", "1"}});
  convex_calls.hold_results = true;
  EXPECT_EQ(status(admit("a")), 202);
  EXPECT_EQ(status(admit("b")), 202);
  EXPECT_EQ(result_ids(), std::vector<std::string>{"a"});
  EXPECT_EQ(convex_calls.fetched_by.size(), 1u);
  advance(milliseconds(1000 + 2000));  // one attempt's CONVEX_TIMEOUT_MS + the reply margin
  EXPECT_EQ(convex_calls.fetched_by.size(), 2u);  // b got the slot
  EXPECT_EQ(result_ids(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(SupervisorTest, TheDeadlineEndsAHeldTestcaseWithTheDeadlineError) {
  start();
  hold_judge0();
  admit("s1");
  advance(milliseconds(10000));
  ASSERT_EQ(result_ids(), std::vector<std::string>{"s1"});
  EXPECT_EQ(result_message(0), "deadline exceeded (MAX_REQUEST_RUNTIME_MS)");
  EXPECT_EQ(convex_calls.results.front().first_failure_index, 0);
}

TEST_F(SupervisorTest, TheDrainWaitsForEveryChildAndAnAbortEndsEachOnce) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}});
  hold_judge0();
  admit("running");
  admit("queued");
  auto run = admit_inline();
  bool idle_answered = false;
  sys.spawn([&idle_answered, sup = supervisor](caf::event_based_actor* self) {
    self->request(sup, std::chrono::seconds(3600), idle_atom::value).then([&idle_answered](bool) { idle_answered = true; });
  });
  sched.run();
  EXPECT_FALSE(idle_answered);
  tell(supervisor, abort_atom::value, std::string("service shutting down"));
  auto ids = result_ids();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"queued", "running"}));
  EXPECT_EQ(result_message(0), "service shutting down");
  EXPECT_EQ(result_message(1), "service shutting down");
  EXPECT_EQ(status(run), 503);
  EXPECT_TRUE(idle_answered);
}

TEST_F(SupervisorTest, AnInlineRunAnswersItsVerdict) {
  start();
  pool_calls.answer = [](const judge0_job& j) {
    return std::optional<judge0_outcome>(printed(j.run.stdin_text == "in 1" ? "wrong" : "out 0"));
  };
  auto passed = admit_inline(1);
  ASSERT_TRUE(*passed);
  EXPECT_EQ((*passed)->kind, answer_kind::judged);
  EXPECT_TRUE((*passed)->summary.passed);
  auto failed = admit_inline(3);
  ASSERT_TRUE(*failed);
  EXPECT_FALSE((*failed)->summary.passed);
  ASSERT_TRUE((*failed)->failure);
  EXPECT_EQ((*failed)->failure->index, 1);
  EXPECT_EQ((*failed)->failure->outcome.stdout_text, "wrong");
  EXPECT_EQ(pool_calls.stdins.size(), 1u + 2u);  // stops at the failing testcase
  EXPECT_EQ(http::respond(**failed).status, 200);
}

TEST_F(SupervisorTest, AnInlineRunWhoseClientLeftStopsAndFreesItsSlot) {
  start({{"MAX_ACTIVE_SUBMISSIONS", "1"}});
  hold_judge0();
  auto run = admit_inline(3);
  auto next = admit_inline(1);
  tell(supervisor, client_gone_atom::value, std::uint64_t{1});
  ASSERT_TRUE(*run);
  EXPECT_EQ((*run)->kind, answer_kind::client_gone);
  EXPECT_EQ(pool_calls.stdins, (std::vector<std::string>{"in 0", "in 0"}));  // the next run got the slot
  tell(supervisor, client_gone_atom::value, std::uint64_t{99});  // unknown: nothing happens
  EXPECT_FALSE(*next);
}

TEST_F(SupervisorTest, AnInlineRunPastItsDeadlineAnswersJudge0Failed) {
  start();
  hold_judge0();
  auto run = admit_inline(2);
  advance(milliseconds(10000));
  ASSERT_TRUE(*run);
  EXPECT_EQ((*run)->kind, answer_kind::judge0_failed);
  EXPECT_EQ((*run)->message, "deadline exceeded (MAX_REQUEST_RUNTIME_MS)");
  EXPECT_EQ(http::respond(**run).status, 502);
}
