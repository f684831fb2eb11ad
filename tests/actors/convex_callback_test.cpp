// The Convex callback actor on the test coordinator, through its typed interface, with Convex
// played by a scripted outbound: the routes and bodies, the result's retries (backoff, Retry-After,
// its Idempotency-Key on every attempt), what is not retried, and open calls at exit. No sockets.
#include "actors/convex_callback.hpp"

#include <boost/json.hpp>

#include <memory>
#include <optional>

#include "../support/deterministic_fixture.hpp"
#include "../support/scripted_outbound.hpp"
#include "../support/test_config.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

class ConvexCallbackTest : public DeterministicTest {
 protected:
  ConvexCallbackTest() {
    cfg = test_config({{"CONVEX_SITE_URL", "http://127.0.0.1:3211"}, {"CALLBACK_MAX_ATTEMPTS", "3"}});
    convex = spawn_convex_callback(sys, cfg, out, timers::on_caf_clock(sys));
    sched.run();
  }
  ~ConvexCallbackTest() override { caf::anon_send_exit(convex, caf::exit_reason::user_shutdown); }

  std::shared_ptr<std::optional<bool>> post_result() {
    submission_result r;
    r.submission_id = "s1";
    r.status = result_status::passed;
    return ask_later<bool>(convex, result_atom::value, submission_kind::standard, r);
  }

  void answer(std::size_t i, int status, http::header_list headers = {}) {
    out.answer(i, status, "{}", std::move(headers));
    sched.run();
  }

  std::shared_ptr<const config> cfg;
  scripted_outbound out;
  convex_actor convex;
};

}  // namespace

TEST_F(ConvexCallbackTest, MarkRunningIsOnePostToItsRouteAndAnswersConvexsStatus) {
  auto got = ask_later<convex_answer>(convex, running_atom::value, submission_kind::personalized, std::string("s1"));
  ASSERT_EQ(out.calls.size(), 1u);
  auto& req = out.calls[0].req;
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:3211/coding/personalized-submission-running");
  EXPECT_EQ(boost::json::parse(req.body), (boost::json::object{{"submissionId", "s1"}}));
  EXPECT_EQ(req.timeout, cfg->convex_timeout);
  answer(0, 503);
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->status, 503);  // not retried: the supervisor answers 502
  EXPECT_EQ(out.calls.size(), 1u);
}

TEST_F(ConvexCallbackTest, AResultIsRetriedAfterRetryAfterWithTheSameIdempotencyKey) {
  auto delivered = post_result();
  ASSERT_EQ(out.calls.size(), 1u);
  EXPECT_EQ(out.calls[0].req.url, "http://127.0.0.1:3211/coding/submission-result");
  EXPECT_EQ(http::find_header(out.calls[0].req.headers, "Idempotency-Key"), "s1");
  answer(0, 503, {{"Retry-After", "2"}});
  advance(milliseconds(1999));
  EXPECT_EQ(out.calls.size(), 1u);
  advance(milliseconds(1));
  ASSERT_EQ(out.calls.size(), 2u);
  EXPECT_EQ(http::find_header(out.calls[1].req.headers, "Idempotency-Key"), "s1");
  EXPECT_EQ(out.calls[1].req.body, out.calls[0].req.body);
  EXPECT_FALSE(*delivered);
  answer(1, 200);
  ASSERT_TRUE(*delivered);
  EXPECT_TRUE(**delivered);
}

TEST_F(ConvexCallbackTest, AResultGivesUpAfterItsAttemptsAndA4xxIsNotRetried) {
  auto delivered = post_result();
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(out.calls.size(), i + 1);
    out.fail(i, false, /*timed_out=*/true);
    sched.run();
    advance(milliseconds(10000));  // the backoff's cap
  }
  ASSERT_TRUE(*delivered);
  EXPECT_FALSE(**delivered);
  EXPECT_EQ(out.calls.size(), 3u);  // CALLBACK_MAX_ATTEMPTS

  auto refused = post_result();
  answer(3, 400);
  advance(milliseconds(10000));
  ASSERT_TRUE(*refused);
  EXPECT_FALSE(**refused);
  EXPECT_EQ(out.calls.size(), 4u);
}

TEST_F(ConvexCallbackTest, TestcasesAreFetchedAgainOnATransientFailure) {
  auto got = ask_later<convex_answer>(convex, fetch_atom::value, submission_kind::standard, std::string("q1"));
  ASSERT_EQ(out.calls.size(), 1u);
  EXPECT_EQ(out.calls[0].req.url, "http://127.0.0.1:3211/coding/testcases");
  EXPECT_EQ(boost::json::parse(out.calls[0].req.body), (boost::json::object{{"questionId", "q1"}}));
  EXPECT_TRUE(http::find_header(out.calls[0].req.headers, "Idempotency-Key").empty());
  answer(0, 502);
  advance(milliseconds(10000));
  ASSERT_EQ(out.calls.size(), 2u);
  out.answer(1, 200, R"({"testCases":[]})");
  sched.run();
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->status, 200);
  EXPECT_EQ((*got)->body, R"({"testCases":[]})");
}

TEST_F(ConvexCallbackTest, AResultStillOpenAtExitIsAnsweredUndelivered) {
  auto delivered = post_result();
  caf::anon_send_exit(convex, caf::exit_reason::user_shutdown);
  sched.run();
  ASSERT_TRUE(*delivered);
  EXPECT_FALSE(**delivered);
}
