#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "base64.hpp"
#include "submission_request.hpp"

namespace judge0_lite {
namespace {

namespace json = boost::json;

language_table fake_languages() {
  language python;
  python.id = 71;
  python.name = "Python (3.11.2)";
  python.source_file = "script.py";
  python.run_cmd = {"/usr/bin/python3", "script.py", "{args}"};
  language c;
  c.id = 50;
  c.name = "C (GCC 12.2.0)";
  c.source_file = "main.c";
  c.compile_cmd = {"/usr/bin/gcc", "{options}", "main.c"};
  c.run_cmd = {"./a.out", "{args}"};
  return language_table({python, c});
}

submission_request build(std::string_view body, bool base64 = false) {
  return build_submission(json::parse(body).as_object(), base64, fake_languages());
}

TEST(BuildSubmission, MissingSourceAndLanguageGiveRailsErrors) {
  auto r = build("{}");
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.errors.to_json(),
            R"({"source_code":["can't be blank"],"language_id":["can't be blank","language with id  doesn't exist"]})");
}

TEST(BuildSubmission, UnknownLanguageIsRejected) {
  auto r = build(R"({"source_code":"x","language_id":150000})");
  EXPECT_EQ(r.errors.to_json(), R"({"language_id":["language with id 150000 doesn't exist"]})");
}

TEST(BuildSubmission, LimitsOutOfRangeUseJudge0sMessages) {
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"wall_time_limit":20.5})").errors.to_json(),
            R"({"wall_time_limit":["must be less than or equal to 20.0"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"wall_time_limit":0.5})").errors.to_json(),
            R"({"wall_time_limit":["must be greater than or equal to 1"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"cpu_time_limit":16})").errors.to_json(),
            R"({"cpu_time_limit":["must be less than or equal to 15.0"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"memory_limit":2047})").errors.to_json(),
            R"({"memory_limit":["must be greater than or equal to 2048"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"memory_limit":512001})").errors.to_json(),
            R"({"memory_limit":["must be less than or equal to 512000"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"max_processes_and_or_threads":0})").errors.to_json(),
            R"({"max_processes_and_or_threads":["must be greater than 0"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"max_file_size":5000})").errors.to_json(),
            R"({"max_file_size":["must be less than or equal to 4096"]})");
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"cpu_time_limit":"fast"})").errors.to_json(),
            R"({"cpu_time_limit":["is not a number"]})");
}

TEST(BuildSubmission, BoundaryLimitsAreAccepted) {
  auto r = build(
      R"({"source_code":"x","language_id":71,"cpu_time_limit":15,"wall_time_limit":20,"memory_limit":512000,"max_file_size":4096})");
  ASSERT_TRUE(r.accepted) << r.errors.to_json();
  EXPECT_EQ(r.accepted->memory_limit, 512000);
  EXPECT_DOUBLE_EQ(r.accepted->wall_time_limit, 20.0);
}

TEST(BuildSubmission, AbsentAndNullFieldsTakeJudge0Defaults) {
  auto r = build(R"({"source_code":"x","language_id":71,"cpu_time_limit":null})");
  ASSERT_TRUE(r.accepted);
  const submission& s = *r.accepted;
  EXPECT_DOUBLE_EQ(s.cpu_time_limit, 5.0);
  EXPECT_DOUBLE_EQ(s.cpu_extra_time, 1.0);
  EXPECT_DOUBLE_EQ(s.wall_time_limit, 10.0);
  EXPECT_EQ(s.memory_limit, 128000);
  EXPECT_EQ(s.stack_limit, 64000);
  EXPECT_EQ(s.max_processes_and_or_threads, 60);
  EXPECT_EQ(s.max_file_size, 1024);
  EXPECT_EQ(s.number_of_runs, 1);
  EXPECT_FALSE(s.stdin_text);
  EXPECT_FALSE(s.expected_output);
}

TEST(BuildSubmission, NumericStringsAreCastLikeRails) {
  auto r = build(R"({"source_code":"x","language_id":"71","cpu_time_limit":"2.5","memory_limit":"4096.7"})");
  ASSERT_TRUE(r.accepted) << r.errors.to_json();
  EXPECT_EQ(r.accepted->language_id, 71);
  EXPECT_DOUBLE_EQ(r.accepted->cpu_time_limit, 2.5);
  EXPECT_EQ(r.accepted->memory_limit, 4096);
}

TEST(BuildSubmission, Base64FieldsAreDecodedBeforeValidation) {
  std::string body = R"({"source_code":")" + encode64("print(1)") + R"(","language_id":71,"stdin":")" +
                     encode64("in") + R"(","expected_output":")" + encode64("1") + R"("})";
  // encode64 ends lines with \n, which JSON needs escaped.
  std::string escaped;
  for (char c : body) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  auto r = build(escaped, true);
  ASSERT_TRUE(r.accepted) << r.errors.to_json();
  EXPECT_EQ(r.accepted->source_code, "print(1)");
  EXPECT_EQ(r.accepted->stdin_text, "in");
  EXPECT_EQ(r.accepted->expected_output, "1");
}

TEST(BuildSubmission, WhitespaceOnlySourceIsBlank) {
  auto r = build(R"({"source_code":"  \n","language_id":71})");
  ASSERT_NE(r.errors.find("source_code"), nullptr);
}

TEST(BuildSubmission, CompilerOptionsOnlyForCompiledLanguages) {
  EXPECT_TRUE(build(R"({"source_code":"x","language_id":50,"compiler_options":"-O2"})").accepted);
  EXPECT_EQ(build(R"({"source_code":"x","language_id":71,"compiler_options":"-O2"})").errors.to_json(),
            R"({"compiler_options":["setting compiler options is only allowed for compiled languages"]})");
}

TEST(BuildSubmission, AdditionalFilesAreDisabled) {
  auto r = build(R"({"source_code":"x","language_id":71,"additional_files":"UEs="})");
  EXPECT_EQ(r.errors.to_json(), R"({"additional_files":["setting additional files is not allowed"]})");
}

TEST(BuildSubmission, CallbackUrlIsKeptWhenItIsAnHttpUrl) {
  auto r = build(R"({"source_code":"x","language_id":71,"callback_url":"http://127.0.0.1:9/done?job=1"})");
  ASSERT_TRUE(r.accepted) << r.errors.to_json();
  EXPECT_EQ(r.accepted->callback_url, "http://127.0.0.1:9/done?job=1");
  auto blank = build(R"({"source_code":"x","language_id":71,"callback_url":"  "})");
  ASSERT_TRUE(blank.accepted);
  EXPECT_FALSE(blank.accepted->callback_url);
  auto absent = build(R"({"source_code":"x","language_id":71,"callback_url":null})");
  ASSERT_TRUE(absent.accepted);
  EXPECT_FALSE(absent.accepted->callback_url);
}

TEST(BuildSubmission, CallbackUrlThatCannotBeCalledIs422) {
  for (const char* bad : {R"("not a url")", R"("https://127.0.0.1/cb")", R"("ftp://127.0.0.1/cb")", R"("http:///cb")",
                          R"(12)"}) {
    auto r = build(std::string(R"({"source_code":"x","language_id":71,"callback_url":)") + bad + "}");
    EXPECT_FALSE(r.accepted) << bad;
    EXPECT_EQ(r.errors.to_json(), R"({"callback_url":["must be an http:// URL"]})") << bad;
  }
}

TEST(MergeParams, BodyWinsOverQueryAndFlagsMustBeTheStringTrue) {
  json::object body = json::parse(R"({"wait":true,"language_id":71})").as_object();
  json::object merged = merge_params({{"language_id", "50"}, {"base64_encoded", "true"}}, &body);
  EXPECT_EQ(merged.at("language_id").as_int64(), 71);
  EXPECT_TRUE(param_is_true(merged, "base64_encoded"));
  EXPECT_FALSE(param_is_true(merged, "wait"));  // JSON true is not the string "true"
}

}  // namespace
}  // namespace judge0_lite
