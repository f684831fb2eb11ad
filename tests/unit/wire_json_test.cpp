#include "messages/wire_json.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "messages/base64.hpp"

using namespace cx;

namespace {
const request_caps kCaps{100, 3, 10};

std::string testcases(std::string tcs) {
  return R"({"question":{"_id":"q","timeLimitSeconds":2,"memoryLimitMb":128,"extra":1,
             "outputComparison":{"trimOutputs":true,"normalizeWhitespace":false,"caseSensitive":true}},
            "testCases":)" + tcs + "}";
}
}  // namespace

TEST(QuestionSet, ParsesAndKeepsOrderIgnoringExtraKeys) {
  auto r = parse_question_set(testcases(R"([{"_id":"a","visibility":"public","stdin":"1","expectedStdout":"1","order":2,"x":1},
                                           {"_id":"b","visibility":"hidden","stdin":"2","expectedStdout":"2","order":1}])"),
                              kCaps);
  ASSERT_TRUE(std::holds_alternative<question_set>(r));
  auto& q = std::get<question_set>(r);
  ASSERT_EQ(q.testcases.size(), 2u);
  EXPECT_EQ(q.testcases[0].id, "a");
  EXPECT_TRUE(q.testcases[1].hidden);
  EXPECT_DOUBLE_EQ(q.question.time_limit_seconds, 2);
}

TEST(QuestionSet, WrongShapeIsTheDocumentedError) {
  const std::string invalid = "invalid testcases response from Convex";
  EXPECT_EQ(std::get<std::string>(parse_question_set("not json", kCaps)), invalid);
  EXPECT_EQ(std::get<std::string>(parse_question_set("{}", kCaps)), invalid);
  EXPECT_EQ(std::get<std::string>(parse_question_set(
                testcases(R"([{"visibility":"public","stdin":1,"expectedStdout":"1"}])"), kCaps)),
            invalid);
  EXPECT_EQ(std::get<std::string>(parse_question_set(
                testcases(R"([{"visibility":"secret","stdin":"1","expectedStdout":"1"}])"), kCaps)),
            invalid);
}

TEST(QuestionSet, EachRequiredFieldMissingOrMistypedIsTheDocumentedError) {
  const std::string valid = testcases(R"([{"visibility":"public","stdin":"1","expectedStdout":"1","_id":"a"}])");
  ASSERT_TRUE(std::holds_alternative<question_set>(parse_question_set(valid, kCaps)));
  const std::pair<std::string, std::string> changes[] = {
      {R"("timeLimitSeconds":2,)", ""},          {R"("timeLimitSeconds":2,)", R"("timeLimitSeconds":"2",)"},
      {R"("memoryLimitMb":128,)", ""},           {R"("memoryLimitMb":128,)", R"("memoryLimitMb":"128",)"},
      {R"("trimOutputs":true,)", ""},            {R"("trimOutputs":true,)", R"("trimOutputs":1,)"},
      {R"("normalizeWhitespace":false,)", ""},   {R"("normalizeWhitespace":false,)", R"("normalizeWhitespace":"no",)"},
      {R"(,"caseSensitive":true)", ""},          {R"("caseSensitive":true)", R"("caseSensitive":null)"},
      {R"("stdin":"1",)", ""},                   {R"("stdin":"1",)", R"("stdin":1,)"},
      {R"("expectedStdout":"1",)", ""},          {R"("expectedStdout":"1",)", R"("expectedStdout":[],)"},
      {R"("visibility":"public",)", ""},         {R"("visibility":"public",)", R"("visibility":true,)"},
  };
  for (const auto& [from, to] : changes) {
    auto doc = valid;
    auto at = doc.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    doc.replace(at, from.size(), to);
    auto r = parse_question_set(doc, kCaps);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << from << " -> " << to;
    EXPECT_EQ(std::get<std::string>(r), "invalid testcases response from Convex") << from << " -> " << to;
  }
}

TEST(QuestionSet, NoTestcasesOrTooManyOrTooLargeStdinAreErrors) {
  EXPECT_NE(std::get<std::string>(parse_question_set(testcases("[]"), kCaps)).find("no testcases"), std::string::npos);
  std::string four = R"([{"visibility":"public","stdin":"","expectedStdout":""},{"visibility":"public","stdin":"","expectedStdout":""},
                         {"visibility":"public","stdin":"","expectedStdout":""},{"visibility":"public","stdin":"","expectedStdout":""}])";
  EXPECT_NE(std::get<std::string>(parse_question_set(testcases(four), kCaps)).find("MAX_TESTCASES"), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse_question_set(
                testcases(R"([{"visibility":"public","stdin":"12345678901","expectedStdout":""}])"), kCaps))
                .find("MAX_STDIN_BYTES"),
            std::string::npos);
}

TEST(Judge0Json, SubmitBodyIsBase64OfLfTextWithLimits) {
  judge0_run run;
  run.language_id = 71;
  run.source_code = "print(1)\r\n";
  run.stdin_text = "a\r\nb";
  run.limits.cpu_seconds = 2;
  run.limits.wall_seconds = 4;
  run.limits.memory_kb = 131072;
  auto o = boost::json::parse(judge0_submit_body(run)).as_object();
  EXPECT_EQ(*base64_decode(o["source_code"].as_string()), "print(1)\n");
  EXPECT_EQ(*base64_decode(o["stdin"].as_string()), "a\nb");
  EXPECT_EQ(o["language_id"].as_int64(), 71);
  EXPECT_EQ(o["memory_limit"].as_int64(), 131072);
  EXPECT_DOUBLE_EQ(o["wall_time_limit"].to_number<double>(), 4);
}

TEST(Judge0Json, ParsesAPollAnswerWithWrappedBase64) {
  auto out = parse_judge0_submission(
      R"({"stdout":"aGVsbG8s\nIEp1ZGdlMAo=\n","time":"0.001","memory":376,"stderr":null,"token":"t",
          "compile_output":null,"message":null,"exit_code":0,"status":{"id":3,"description":"Accepted"}})");
  EXPECT_FALSE(out.failure);
  EXPECT_EQ(out.status_id, 3);
  EXPECT_EQ(out.stdout_text, "hello, Judge0\n");
  EXPECT_FALSE(out.stderr_text);
  EXPECT_EQ(out.time, "0.001");
  EXPECT_EQ(out.memory, 376);
}

TEST(Judge0Json, BadAnswersBecomeFailuresNotCrashes) {
  EXPECT_TRUE(parse_judge0_submission("{").failure);
  EXPECT_TRUE(parse_judge0_submission("{}").failure);
  EXPECT_TRUE(parse_judge0_submission(R"({"status":{"id":3},"stdout":"!!!"})").failure);
  EXPECT_TRUE(parse_judge0_submission(R"({"status":{"id":3},"stdout":5})").failure);
  EXPECT_FALSE(parse_judge0_token(R"({"error":"queue is full"})"));
  EXPECT_EQ(parse_judge0_token(R"({"token":"abc"})"), "abc");
}

TEST(Judge0Json, InvalidUtf8OutputIsReplacedSoResultsStayValidJson) {
  auto out = parse_judge0_submission(R"({"status":{"id":3},"stdout":")" + base64_encode("a\xff" "b") + R"("})");
  EXPECT_EQ(out.stdout_text, "a\xEF\xBF\xBD" "b");
}

TEST(Judge0Json, ErrorTextReadsBothErrorShapes) {
  EXPECT_EQ(judge0_error_text(R"({"error":"queue is full"})"), "queue is full");
  EXPECT_EQ(judge0_error_text(R"({"wall_time_limit":["must be less than or equal to 20.0"]})"),
            "wall_time_limit must be less than or equal to 20.0");
}

TEST(ResultJson, OmitsWhatDoesNotApply) {
  submission_result r;
  r.submission_id = "s";
  r.status = result_status::passed;
  r.passed_count = 2;
  r.total_count = 2;
  r.duration_ms = 12;
  auto o = boost::json::parse(submission_result_body(r)).as_object();
  EXPECT_EQ(o["status"].as_string(), "passed");
  EXPECT_FALSE(o.contains("firstFailureIndex"));
  EXPECT_FALSE(o.contains("firstFailure"));
  EXPECT_FALSE(o.contains("stderr"));
  EXPECT_EQ(o["durationMs"].as_int64(), 12);
}

TEST(ResultJson, AcceptedBodyMarksDuplicates) {
  auto o = boost::json::parse(accepted_body("s", "r", true)).as_object();
  EXPECT_EQ(o["status"].as_string(), "accepted");
  EXPECT_EQ(o["message"].as_string(), "Submission queued for execution");
  EXPECT_TRUE(o["details"].as_object()["duplicate"].as_bool());
  EXPECT_FALSE(boost::json::parse(accepted_body("s", "r", false)).as_object()["details"].as_object().contains("duplicate"));
}
