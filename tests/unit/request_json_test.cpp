#include "messages/wire_json.hpp"

#include <gtest/gtest.h>

using namespace cx;

namespace {

const request_caps kCaps{20, 2, 8};

request_error refused(std::string_view body) {
  auto r = parse_judge_request(body, kCaps);
  if (!std::holds_alternative<request_error>(r)) {
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }
  return std::get<request_error>(r);
}

bool has_issue(const request_error& e, const std::string& path) {
  for (const auto& i : e.issues)
    if (i.path == path) return true;
  return false;
}

}  // namespace

TEST(JudgeRequest, AcceptsTheContractShape) {
  auto r = parse_judge_request(
      R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"x","submissionKind":"personalized"})", kCaps);
  ASSERT_TRUE(std::holds_alternative<judge_request>(r));
  auto& j = std::get<judge_request>(r);
  EXPECT_EQ(j.kind, submission_kind::personalized);
  EXPECT_EQ(j.language_id, 71);
}

TEST(JudgeRequest, SubmissionKindDefaultsToStandard) {
  auto r = parse_judge_request(R"({"questionId":"q","submissionId":"s","languageId":71.0,"sourceCode":""})", kCaps);
  ASSERT_TRUE(std::holds_alternative<judge_request>(r));
  EXPECT_EQ(std::get<judge_request>(r).kind, submission_kind::standard);
}

TEST(JudgeRequest, UnknownKeysAreRejected) {
  auto e = refused(R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"","extra":1})");
  EXPECT_TRUE(has_issue(e, ""));
  EXPECT_EQ(e.submission_id, "s");
}

TEST(JudgeRequest, EachFieldIsTyped) {
  auto e = refused(R"({"questionId":"","submissionId":5,"languageId":"71","sourceCode":null,"submissionKind":"x"})");
  EXPECT_TRUE(has_issue(e, "questionId"));
  EXPECT_TRUE(has_issue(e, "submissionId"));
  EXPECT_TRUE(has_issue(e, "languageId"));
  EXPECT_TRUE(has_issue(e, "sourceCode"));
  EXPECT_TRUE(has_issue(e, "submissionKind"));
  EXPECT_EQ(e.submission_id, "");  // echoed only when it is a string
  EXPECT_TRUE(has_issue(refused(R"({"questionId":"q","submissionId":"","languageId":71,"sourceCode":""})"), "submissionId"));
}

TEST(JudgeRequest, LanguageIdMustBeAPositiveInteger) {
  EXPECT_TRUE(has_issue(refused(R"({"questionId":"q","submissionId":"s","languageId":1.5,"sourceCode":""})"), "languageId"));
  EXPECT_TRUE(has_issue(refused(R"({"questionId":"q","submissionId":"s","languageId":0,"sourceCode":""})"), "languageId"));
  EXPECT_TRUE(has_issue(refused(R"({"questionId":"q","submissionId":"s","languageId":-3,"sourceCode":""})"), "languageId"));
}

TEST(JudgeRequest, MalformedJsonAndNonObjectsAreRefused) {
  EXPECT_EQ(refused("{").message, "Malformed JSON body");
  EXPECT_EQ(refused("[]").message, "Invalid request body");
  EXPECT_EQ(refused("").message, "Malformed JSON body");
}

TEST(JudgeRequest, SourceAboveTheCapIsRefusedWithMaxBytes) {
  auto e = refused(R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"123456789012345678901"})");
  EXPECT_EQ(e.message, "sourceCode exceeds MAX_SOURCE_BYTES");
  EXPECT_EQ(e.details_json, R"({"maxBytes":20})");
  // exactly at the cap is fine; the cap counts UTF-8 bytes
  auto at = parse_judge_request(R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"12345678901234567890"})", kCaps);
  EXPECT_TRUE(std::holds_alternative<judge_request>(at));
  auto utf8 = refused(R"({"questionId":"q","submissionId":"s","languageId":71,"sourceCode":"ééééééééééé"})");
  EXPECT_EQ(utf8.message, "sourceCode exceeds MAX_SOURCE_BYTES");
}

TEST(InlineJudgeRequest, AcceptsTestcasesLimitsAndComparison) {
  auto r = parse_inline_judge_request(
      R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"1","expectedStdout":"1","name":"a"}],
          "limits":{"cpuTimeSeconds":1,"memoryMb":64},"outputComparison":{"caseSensitive":false}})",
      kCaps);
  ASSERT_TRUE(std::holds_alternative<inline_judge_request>(r));
  auto& j = std::get<inline_judge_request>(r);
  EXPECT_EQ(j.testcases.size(), 1u);
  EXPECT_EQ(*j.cpu_seconds, 1);
  EXPECT_FALSE(j.wall_seconds);
  EXPECT_FALSE(j.comparison.case_sensitive);
  EXPECT_TRUE(j.comparison.trim_outputs);
}

TEST(InlineJudgeRequest, TestcaseCapsApplyAtOnce) {
  auto many = parse_inline_judge_request(
      R"({"languageId":71,"sourceCode":"","testCases":[{"stdin":"","expectedStdout":""},{"stdin":"","expectedStdout":""},{"stdin":"","expectedStdout":""}]})",
      kCaps);
  EXPECT_TRUE(std::holds_alternative<request_error>(many));
  auto big = parse_inline_judge_request(
      R"({"languageId":71,"sourceCode":"","testCases":[{"stdin":"123456789","expectedStdout":""}]})", kCaps);
  EXPECT_TRUE(std::holds_alternative<request_error>(big));
  auto none = parse_inline_judge_request(R"({"languageId":71,"sourceCode":"","testCases":[]})", kCaps);
  EXPECT_TRUE(std::holds_alternative<request_error>(none));
}

TEST(InlineJudgeRequest, ComparisonDefaultsAreTrimOnlyAndCaseSensitive) {
  auto r = parse_inline_judge_request(
      R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"1","expectedStdout":"1"}]})", kCaps);
  ASSERT_TRUE(std::holds_alternative<inline_judge_request>(r));
  const auto& c = std::get<inline_judge_request>(r).comparison;
  EXPECT_TRUE(c.trim_outputs);
  EXPECT_FALSE(c.normalize_whitespace);
  EXPECT_TRUE(c.case_sensitive);
  EXPECT_FALSE(std::get<inline_judge_request>(r).cpu_seconds);  // absent limits are not sent
}

TEST(InlineJudgeRequest, EachNestedRuleNamesItsPath) {
  const std::string valid =
      R"({"languageId":71,"sourceCode":"x","testCases":[{"stdin":"1","expectedStdout":"1","name":"a"}],)"
      R"("limits":{"cpuTimeSeconds":1,"memoryMb":64,"wallTimeSeconds":2},)"
      R"("outputComparison":{"trimOutputs":true,"normalizeWhitespace":false,"caseSensitive":true}})";
  ASSERT_TRUE(std::holds_alternative<inline_judge_request>(parse_inline_judge_request(valid, kCaps)));
  const struct {
    std::string from, to, path;
  } cases[] = {
      {R"("name":"a")", R"("name":"a","x":1)", "testCases.0"},
      {R"("name":"a")", R"("name":5)", "testCases.0.name"},
      {R"("stdin":"1",)", "", "testCases.0.stdin"},
      {R"("expectedStdout":"1",)", "", "testCases.0.expectedStdout"},
      {R"("expectedStdout":"1",)", R"("expectedStdout":null,)", "testCases.0.expectedStdout"},
      {R"("wallTimeSeconds":2})", R"("wallTimeSeconds":2,"x":1})", "limits"},
      {R"("cpuTimeSeconds":1,)", R"("cpuTimeSeconds":0,)", "limits.cpuTimeSeconds"},
      {R"("memoryMb":64,)", R"("memoryMb":-1,)", "limits.memoryMb"},
      {R"("wallTimeSeconds":2})", R"("wallTimeSeconds":"2"})", "limits.wallTimeSeconds"},
      {R"("caseSensitive":true})", R"("caseSensitive":true,"x":1})", "outputComparison"},
      {R"("caseSensitive":true})", R"("caseSensitive":"no"})", "outputComparison.caseSensitive"},
      {R"("trimOutputs":true,)", R"("trimOutputs":1,)", "outputComparison.trimOutputs"},
  };
  for (const auto& c : cases) {
    auto doc = valid;
    auto at = doc.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    doc.replace(at, c.from.size(), c.to);
    auto r = parse_inline_judge_request(doc, kCaps);
    ASSERT_TRUE(std::holds_alternative<request_error>(r)) << c.to;
    EXPECT_TRUE(has_issue(std::get<request_error>(r), c.path)) << c.to << " should name " << c.path;
  }
}

TEST(JudgeRequest, IdsMustBeHeaderSafeAndAtMost128Bytes) {
  auto body = [](std::string_view qid, std::string_view sid) {
    return R"({"questionId":")" + std::string(qid) + R"(","submissionId":")" + std::string(sid) +
           R"(","languageId":71,"sourceCode":""})";
  };
  EXPECT_TRUE(std::holds_alternative<judge_request>(parse_judge_request(body("q", std::string(128, 's')), kCaps)));
  auto crlf = refused(body("q", "abc\\r\\nX-Injected: 1"));
  ASSERT_EQ(crlf.issues.size(), 1u);
  EXPECT_EQ(crlf.issues[0].path, "submissionId");
  EXPECT_EQ(crlf.issues[0].message, "Invalid characters: only visible ASCII (0x21-0x7E) is allowed");
  EXPECT_EQ(crlf.submission_id, "abc\r\nX-Injected: 1");  // echoed in JSON, escaped there
  auto long_sid = refused(body("q", std::string(100000, 's')));
  EXPECT_TRUE(has_issue(long_sid, "submissionId"));
  EXPECT_EQ(long_sid.submission_id, "");  // not reflected
  auto long_qid = refused(body(std::string(129, 'q'), "s"));
  ASSERT_EQ(long_qid.issues.size(), 1u);
  EXPECT_EQ(long_qid.issues[0].path, "questionId");
  EXPECT_EQ(long_qid.issues[0].message, "String must contain at most 128 character(s)");
  EXPECT_TRUE(has_issue(refused(body("q\\u0000", "s")), "questionId"));
}
