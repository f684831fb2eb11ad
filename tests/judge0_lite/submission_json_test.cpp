#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "submission_json.hpp"

namespace judge0_lite {
namespace {

namespace json = boost::json;

language_table one_language() {
  language python;
  python.id = 71;
  python.name = "Python (3.11.2)";
  return language_table({python});
}

submission finished_submission() {
  submission s;
  s.token = "3f2b7e3c-1111-4222-8333-444455556666";
  s.source_code = "print('hi')";
  s.language_id = 71;
  s.status_id = status::accepted;
  s.created_at = timestamp(std::chrono::milliseconds(1712123451306));
  s.finished_at = s.created_at + std::chrono::milliseconds(50);
  s.result.status_id = status::accepted;
  s.result.stdout_text = "hi\n";
  s.result.time = 0.002;
  s.result.wall_time = 0.01;
  s.result.memory = 376;
  s.result.exit_code = 0;
  return s;
}

std::vector<std::string> keys(const json::object& o) {
  std::vector<std::string> k;
  for (const auto& kv : o) k.emplace_back(kv.key());
  return k;
}

TEST(SelectFields, DefaultsAreTheEightJudge0FieldsInColumnOrder) {
  auto o = serialize_submission(finished_submission(), one_language(), select_fields(std::nullopt), false);
  ASSERT_TRUE(o);
  EXPECT_EQ(keys(*o), (std::vector<std::string>{"stdout", "time", "memory", "stderr", "token", "compile_output",
                                                "message", "status"}));
  EXPECT_EQ(json::serialize(*o),
            R"({"stdout":"hi\n","time":"0.002","memory":376,"stderr":null,"token":"3f2b7e3c-1111-4222-8333-444455556666","compile_output":null,"message":null,"status":{"id":3,"description":"Accepted"}})");
}

TEST(SelectFields, StarGivesEveryField) {
  auto o = serialize_submission(finished_submission(), one_language(), select_fields(std::string("*")), false);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->size(), all_submission_fields().size());
  EXPECT_EQ(json::serialize(o->at("language")), R"j({"id":71,"name":"Python (3.11.2)"})j");
  EXPECT_EQ(o->at("cpu_time_limit").as_string(), "5.0");
  EXPECT_EQ(o->at("created_at").as_string(), "2024-04-03T05:50:51.306Z");
  EXPECT_EQ(o->at("finished_at").as_string(), "2024-04-03T05:50:51.356Z");
  EXPECT_EQ(o->at("exit_signal"), nullptr);
}

TEST(SelectFields, ListedFieldsComeOutInColumnOrder) {
  auto o = serialize_submission(finished_submission(), one_language(), select_fields(std::string("status,stdout,token")),
                                false);
  ASSERT_TRUE(o);
  EXPECT_EQ(keys(*o), (std::vector<std::string>{"stdout", "token", "status"}));
}

TEST(SelectFields, UnknownNamesAreReportedTogether) {
  auto sel = select_fields(std::string("stdout,foo, stderr"));
  EXPECT_EQ(sel.invalid, (std::vector<std::string>{"foo", " stderr"}));
  EXPECT_EQ(invalid_fields_error(sel), R"({"error":"invalid fields: [foo,  stderr]"})");
}

TEST(SerializeSubmission, Base64UsesRubyLineBreaksAndKeepsNullsNull) {
  submission s = finished_submission();
  s.result.stdout_text = std::string(50, 'x');
  s.result.message = "Exited with error status 1";
  auto o = serialize_submission(s, one_language(), select_fields(std::string("stdout,stderr,message")), true);
  ASSERT_TRUE(o);
  std::string out(o->at("stdout").as_string());
  EXPECT_EQ(out.find('\n'), 60u);
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(o->at("stderr"), nullptr);
  EXPECT_EQ(o->at("message").as_string(), "RXhpdGVkIHdpdGggZXJyb3Igc3RhdHVzIDE=\n");
}

TEST(SerializeSubmission, HighBytesWithoutBase64CannotBeRendered) {
  submission s = finished_submission();
  s.result.stdout_text = "caf\xc3\xa9";
  EXPECT_FALSE(serialize_submission(s, one_language(), select_fields(std::nullopt), false));
  EXPECT_TRUE(serialize_submission(s, one_language(), select_fields(std::nullopt), true));
  // Not selected, not a problem.
  EXPECT_TRUE(serialize_submission(s, one_language(), select_fields(std::string("token")), false));
}

TEST(SerializeSubmission, QueuedSubmissionHasNoResults) {
  submission s = finished_submission();
  s.status_id = status::in_queue;
  s.finished_at.reset();
  auto o = serialize_submission(s, one_language(), select_fields(std::string("*")), false);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->at("stdout"), nullptr);
  EXPECT_EQ(o->at("time"), nullptr);
  EXPECT_EQ(o->at("finished_at"), nullptr);
  EXPECT_EQ(json::serialize(o->at("status")), R"({"id":1,"description":"In Queue"})");
}

TEST(DecimalText, RendersLikeRailsDecimals) {
  EXPECT_EQ(decimal_text(5), "5.0");
  EXPECT_EQ(decimal_text(10), "10.0");
  EXPECT_EQ(decimal_text(0.002), "0.002");
  EXPECT_EQ(decimal_text(0.5), "0.5");
}

}  // namespace
}  // namespace judge0_lite
