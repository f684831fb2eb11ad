// The front's one table, row by row of the contract's status list: status, headers and body.
#include "http/judge_answers.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace cx;

namespace {

struct rendered {
  int status;
  boost::json::object body;
  http::response res;
  std::string header(std::string_view name) const { return std::string(http::find_header(res.headers, name)); }
};

rendered render(const judge_answer& a) {
  auto res = http::respond(a);
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(http::find_header(res.headers, "Content-Type").substr(0, 16), "application/json");
  return {static_cast<int>(res.status), std::move(body), std::move(res)};
}

judge_answer for_submission(answer_kind k) { return answer(k, "r1", std::string("s1")); }

}  // namespace

TEST(JudgeAnswers, AcceptedIs202WithTheSubmissionAndRequestId) {
  auto r = render(for_submission(answer_kind::accepted));
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body.at("status"), "accepted");
  EXPECT_EQ(r.body.at("submissionId"), "s1");
  EXPECT_EQ(r.body.at("message"), "Submission queued for execution");
  EXPECT_EQ(r.body.at("details").at("requestId"), "r1");
  EXPECT_FALSE(r.body.at("details").as_object().contains("duplicate"));
}

TEST(JudgeAnswers, DuplicateIs202MarkedDuplicate) {
  auto r = render(for_submission(answer_kind::duplicate));
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body.at("details").at("duplicate"), true);
}

TEST(JudgeAnswers, MarkRunningFailedIs502) {
  auto r = render(for_submission(answer_kind::mark_running_failed));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body.at("status"), "error");
  EXPECT_EQ(r.body.at("submissionId"), "s1");
  EXPECT_EQ(r.body.at("message"), "Failed to mark submission as running");
  EXPECT_EQ(r.body.at("details").at("requestId"), "r1");
}

TEST(JudgeAnswers, AnUnreachableSubmissionStoreIs503WithRetryAfter) {
  auto r = render(for_submission(answer_kind::store_unavailable));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("Retry-After"), "5");
  EXPECT_EQ(r.body.at("submissionId"), "s1");
  EXPECT_EQ(r.body.at("message"), "Submission store unavailable");
}

TEST(JudgeAnswers, OverloadedIs503WithRetryAfterForBothRoutes) {
  auto r = render(for_submission(answer_kind::overloaded));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("Retry-After"), "5");
  EXPECT_EQ(r.body.at("submissionId"), "s1");
  auto inline_run = render(answer(answer_kind::overloaded, "r1"));
  EXPECT_EQ(inline_run.status, 503);
  EXPECT_FALSE(inline_run.body.contains("submissionId"));
  EXPECT_EQ(inline_run.header("Retry-After"), "5");
}

TEST(JudgeAnswers, ShuttingDownIs503WithRetryAfter) {
  auto r = render(answer(answer_kind::shutting_down, "r1"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.at("message"), "Service is shutting down");
  EXPECT_FALSE(r.header("Retry-After").empty());
}

TEST(JudgeAnswers, BreakerOpenIs502Judge0Unavailable) {
  auto r = render(answer(answer_kind::breaker_open, "r1"));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, (boost::json::object{{"status", "error"}, {"message", "Judge0 unavailable"}}));
}

TEST(JudgeAnswers, InternalIs500AndClientGoneIs499) {
  EXPECT_EQ(render(for_submission(answer_kind::internal)).status, 500);
  EXPECT_EQ(render(answer(answer_kind::client_gone, "r1")).status, 499);
}

TEST(JudgeAnswers, JudgedIs200WithTheSummaryAndTheFirstFailure) {
  auto a = answer(answer_kind::judged, "r1");
  a.summary = {true, 2, 2, 40};
  auto passed = render(a);
  EXPECT_EQ(passed.status, 200);
  EXPECT_EQ(passed.body.at("status"), "passed");
  EXPECT_EQ(passed.body.at("summary").at("passedCount"), 2);
  EXPECT_FALSE(passed.body.contains("firstFailure"));

  a.summary = {false, 1, 2, 40};
  judge0_outcome o;
  o.status_id = 4;
  o.status_description = "Wrong Answer";
  o.stdout_text = "no";
  a.failure = inline_failure_copy{1, inline_testcase{"in", "yes", std::nullopt}, o};
  auto failed = render(a);
  EXPECT_EQ(failed.status, 200);
  EXPECT_EQ(failed.body.at("status"), "failed");
  EXPECT_EQ(failed.body.at("firstFailure").at("index"), 1);
  EXPECT_EQ(failed.body.at("firstFailure").at("actualStdout"), "no");
  EXPECT_EQ(failed.body.at("firstFailure").at("stderr"), nullptr);
}

TEST(JudgeAnswers, Judge0FailedIs502WithTheTestcaseIndex) {
  auto a = answer(answer_kind::judge0_failed, "r1");
  a.message = "Judge0 Internal Error";
  a.testcase_index = 3;
  auto r = render(a);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body.at("message"), "Judge0 Internal Error");
  EXPECT_EQ(r.body.at("details").at("requestId"), "r1");
  EXPECT_EQ(r.body.at("details").at("testcaseIndex"), 3);
}

TEST(JudgeAnswers, TheFrontsRefusalsInTheContractsOrder) {
  EXPECT_EQ(render(answer(answer_kind::not_found, "r1")).body.at("message"), "Not found");
  auto m = answer(answer_kind::method_not_allowed, "r1");
  m.allow = "POST";
  auto r405 = render(m);
  EXPECT_EQ(r405.status, 405);
  EXPECT_EQ(r405.header("Allow"), "POST");
  auto r401 = render(answer(answer_kind::unauthorized, "r1"));
  EXPECT_EQ(r401.status, 401);
  EXPECT_EQ(r401.body, (boost::json::object{{"status", "error"}, {"message", "Unauthorized"}}));
  auto limited = answer(answer_kind::rate_limited, "r1");
  limited.retry_after_s = 7;
  auto r429 = render(limited);
  EXPECT_EQ(r429.status, 429);
  EXPECT_EQ(r429.header("Retry-After"), "7");
  EXPECT_EQ(render(answer(answer_kind::too_large, "r1")).status, 413);
  EXPECT_EQ(render(answer(answer_kind::unsupported_media_type, "r1")).status, 415);
  auto r503 = render(answer(answer_kind::rate_limiter_unavailable, "r1"));
  EXPECT_EQ(r503.status, 503);
  EXPECT_EQ(r503.header("Retry-After"), "1");
}

TEST(JudgeAnswers, InvalidIs400WithIssuesOrTheCapOrNothingForMalformedJson) {
  auto a = answer(answer_kind::invalid, "r1");
  a.error.submission_id = "s1";
  a.error.issues = {{"languageId", "Required"}};
  auto issues = render(a);
  EXPECT_EQ(issues.status, 400);
  EXPECT_EQ(issues.body.at("submissionId"), "s1");
  EXPECT_EQ(issues.body.at("message"), "Invalid request body");
  EXPECT_EQ(issues.body.at("details").at("issues").at(0).at("path"), "languageId");

  a.error = {"", "sourceCode exceeds MAX_SOURCE_BYTES", {}, R"({"maxBytes":10})"};
  EXPECT_EQ(render(a).body.at("details").at("maxBytes"), 10);

  a.error = {"", "Malformed JSON body", {}, ""};
  auto malformed = render(a);
  EXPECT_EQ(malformed.body.at("message"), "Malformed JSON body");
  EXPECT_FALSE(malformed.body.contains("details"));
}
