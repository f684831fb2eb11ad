// One submission actor on the test coordinator, between a mock Convex actor and a mock Judge0
// pool actor that speak the real typed conversations, under a mock owner that records what the
// submission tells it. The test moves the clock; no sockets.
#include "actors/submission.hpp"

#include "../support/deterministic_fixture.hpp"
#include "../support/mock_actors.hpp"
#include "../support/test_config.hpp"
#include "http/judge_answers.hpp"
#include "messages/atoms.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

class SubmissionTest : public DeterministicTest {
 protected:
  SubmissionTest() {
    cfg = test_config({{"CONVEX_TIMEOUT_MS", "1000"}, {"MAX_REQUEST_RUNTIME_MS", "10000"}});
    convex = spawn_convex_mock(sys, &convex_calls);
    pool = spawn_pool_mock(sys, &pool_calls);
  }

  // Spawns the submission as the supervisor would, under a mock owner; `ended` turns true when
  // it is down.
  submission_actor start(bool has_slot = true) {
    submission_args a;
    a.req.question_id = "q";
    a.req.submission_id = "s1";
    a.req.language_id = 71;
    a.req.source_code = "print(input())";
    a.ticket = {"r1", now(), 1};
    a.has_slot = has_slot;
    a.cfg = cfg;
    a.convex = convex;
    a.pool = pool;
    a.time = timers::on_caf_clock(sys);
    submission_actor h;
    // From a handler, as the supervisor does: CAF 0.17 drops the monitor of a spawn made while
    // the spawning actor still initializes.
    parent = sys.spawn([&h, a, this](caf::event_based_actor* self) -> caf::behavior {
      self->set_down_handler([this](caf::down_msg& dm) {
        ended = true;
        ended_normally = !dm.reason;
      });
      return {
          [self, &h, a](admit_atom) {
            auto args = a;  // not kept: the parent must not hold a handle to itself
            args.owner = caf::actor_cast<owner_actor>(self);
            h = spawn_submission(self, std::move(args));
          },
          [this](answer_atom, judge_answer& ans) { answers.push_back(ans); },
      };
    });
    tell(parent, admit_atom::value);
    return h;
  }

  // The HTTP status of the one answer the submission gave (0: none yet), through the front's table.
  int status() const {
    EXPECT_LE(answers.size(), 1u);
    return answers.empty() ? 0 : http::respond(answers.front()).status;
  }
  const submission_result& only_result() const {
    EXPECT_EQ(convex_calls.results.size(), 1u);
    return convex_calls.results.front();
  }
  std::string error_message() const { return only_result().failure.value().error_message.value_or(""); }
  std::size_t fetches() const { return convex_calls.fetched_by.size(); }

  std::shared_ptr<const config> cfg;
  convex_script convex_calls;
  pool_script pool_calls;
  convex_mock convex;
  pool_mock pool;
  caf::actor parent;  // the submission's owner and monitor, standing in for the supervisor
  std::vector<judge_answer> answers;
  bool ended_normally = false;  // the supervisor posts a crash result otherwise
  bool ended = false;
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
  EXPECT_TRUE(ended_normally);
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
  EXPECT_EQ(fetches(), 0);
  EXPECT_TRUE(pool_calls.stdins.empty());
  EXPECT_TRUE(convex_calls.results.empty());
  EXPECT_TRUE(ended);
}

TEST_F(SubmissionTest, AnUnansweredMarkRunningIs502WhenItsRequestTimesOut) {
  convex_calls.hold_running = true;
  start();
  advance(milliseconds(1000 + 2000 - 1));  // CONVEX_TIMEOUT_MS + the 2 s reply margin
  EXPECT_EQ(status(), 0);
  advance(milliseconds(1));
  EXPECT_EQ(status(), 502);
  EXPECT_TRUE(ended);
  EXPECT_EQ(fetches(), 0);
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
  EXPECT_EQ(fetches(), 0);
  tell(h, slot_atom::value);
  EXPECT_EQ(fetches(), 1);
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

// contract.md §1's outcome rows for what Judge0 says about testcase 1 (testcase 0 passes).
struct outcome_row {
  const char* name;
  judge0_outcome judge0;
  result_status status;
  std::string error_message;
  std::optional<std::string> compile_output;
  std::optional<std::string> stderr_text;
};

judge0_outcome judge0_said(int status, std::optional<std::string> stderr_text = {},
                           std::optional<std::string> compile_output = {}, std::optional<std::string> message = {}) {
  judge0_outcome o;
  o.status_id = status;
  o.stderr_text = std::move(stderr_text);
  o.compile_output = std::move(compile_output);
  o.message = std::move(message);
  return o;
}

class SubmissionOutcomeTest : public SubmissionTest, public ::testing::WithParamInterface<outcome_row> {};

TEST_P(SubmissionOutcomeTest, EndsWithTheContractsResult) {
  const auto& row = GetParam();
  pool_calls.answer = [&row](const judge0_job& j) {
    if (j.run.stdin_text == "in 0") return std::optional<judge0_outcome>(printed("out 0"));
    return std::optional<judge0_outcome>(row.judge0);
  };
  start();
  EXPECT_EQ(pool_calls.stdins.size(), 2u);  // stopped at the first failure
  const auto& r = only_result();
  EXPECT_EQ(r.status, row.status);
  EXPECT_EQ(r.passed_count, 1);
  EXPECT_EQ(r.total_count, 3);
  EXPECT_EQ(r.first_failure_index, 1);
  EXPECT_EQ(error_message(), row.error_message);
  EXPECT_EQ(r.compile_output, row.compile_output);
  EXPECT_EQ(r.stderr_text, row.stderr_text);
}

INSTANTIATE_TEST_SUITE_P(
    ContractRows, SubmissionOutcomeTest,
    ::testing::Values(
        outcome_row{"CompileError", judge0_said(6, {}, "main.c:1: error"), result_status::failed, "main.c:1: error",
                    "main.c:1: error", {}},
        outcome_row{"CompileErrorWithoutOutput", judge0_said(6), result_status::failed, "Compilation failed", {}, {}},
        outcome_row{"RuntimeErrorWithStderr", judge0_said(11, "Traceback"), result_status::failed, "Traceback", {},
                    "Traceback"},
        outcome_row{"RuntimeErrorWithJudge0Message", judge0_said(7, {}, {}, "Exited with error status 139"),
                    result_status::failed, "Exited with error status 139", {}, {}},
        outcome_row{"RuntimeErrorWithNothing", judge0_said(12), result_status::failed, "Runtime error", {}, {}},
        outcome_row{"TimeLimit", judge0_said(5), result_status::failed, "Time limit exceeded", {}, {}},
        outcome_row{"InternalError", judge0_said(13), result_status::error, "Judge0 Internal Error", {}, {}},
        outcome_row{"ExecFormatError", judge0_said(14), result_status::error, "Judge0 Exec Format Error", {}, {}}),
    [](const ::testing::TestParamInfo<outcome_row>& info) { return std::string(info.param.name); });

TEST_F(SubmissionTest, NoTestcasesTooManyOrAnUnreadableListIsAnErrorSayingWhy) {
  for (auto body : {question_body(0), question_body(51), std::string("{not json")}) {
    convex_calls = convex_script{};
    convex_calls.testcases = body;
    start();
    EXPECT_EQ(status(), 202);
    ASSERT_EQ(convex_calls.results.size(), 1u) << body.substr(0, 40);
    EXPECT_EQ(only_result().status, result_status::error);
    EXPECT_FALSE(error_message().empty());
    EXPECT_TRUE(pool_calls.stdins.empty());
    answers.clear();
  }
}
