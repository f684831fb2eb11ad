#include "messages/stream_entry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

using namespace cx;

namespace {

stream_entry sample() {
  stream_entry e;
  e.submission_id = "sub-1";
  e.question_id = "q-1";
  e.request_id = "req-1";
  e.payload = R"j({"questionId":"q-1","submissionId":"sub-1","languageId":71,"sourceCode":"print(1)"})j";
  e.accepted_at_ms = 1'700'000'000'123;
  e.deadline_ms = 1'700'000'120'123;
  return e;
}

std::string error_of(const stream_fields& f, const stream_entry_caps& caps = {}) {
  auto r = decode_stream_entry(f, caps);
  if (auto* e = std::get_if<std::string>(&r)) return *e;
  return "";
}

stream_fields with(std::string_view name, std::string value) {
  auto f = encode_stream_entry(sample());
  for (auto& [n, v] : f)
    if (n == name) v = std::move(value);
  return f;
}

stream_fields without(std::string_view name) {
  auto f = encode_stream_entry(sample());
  f.erase(std::remove_if(f.begin(), f.end(), [&](const auto& p) { return p.first == name; }), f.end());
  return f;
}

}  // namespace

TEST(StreamEntry, EncodeThenDecodeGivesTheSameEntry) {
  auto e = sample();
  e.payload += std::string("\0\xff", 2);  // Redis values are binary-safe, so is the codec
  auto r = decode_stream_entry(encode_stream_entry(e));
  ASSERT_TRUE(std::holds_alternative<stream_entry>(r)) << std::get<std::string>(r);
  const auto& d = std::get<stream_entry>(r);
  EXPECT_EQ(d.submission_id, e.submission_id);
  EXPECT_EQ(d.question_id, e.question_id);
  EXPECT_EQ(d.request_id, e.request_id);
  EXPECT_EQ(d.payload, e.payload);
  EXPECT_EQ(d.accepted_at_ms, e.accepted_at_ms);
  EXPECT_EQ(d.deadline_ms, e.deadline_ms);
}

TEST(StreamEntry, FieldOrderDoesNotMatterAndUnknownFieldsAreSkipped) {
  auto f = encode_stream_entry(sample());
  std::reverse(f.begin(), f.end());
  f.emplace_back("added-by-a-newer-pod", "x");
  auto r = decode_stream_entry(f);
  ASSERT_TRUE(std::holds_alternative<stream_entry>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<stream_entry>(r).submission_id, "sub-1");
}

TEST(StreamEntry, EveryFieldIsRequired) {
  for (auto name : {"v", "sid", "qid", "rid", "payload", "acc", "dl"})
    EXPECT_EQ(error_of(without(name)), "stream entry lacks field " + std::string(name));
  EXPECT_NE(error_of({}), "");
}

TEST(StreamEntry, ARepeatedFieldIsRefused) {
  auto f = encode_stream_entry(sample());
  f.emplace_back("sid", "sub-2");
  EXPECT_EQ(error_of(f), "stream entry repeats field sid");
}

TEST(StreamEntry, AnUnknownVersionIsRefused) { EXPECT_EQ(error_of(with("v", "2")), "stream entry has an unknown version"); }

TEST(StreamEntry, IdsAreNonEmptyAndBounded) {
  for (auto name : {"sid", "qid", "rid"}) {
    EXPECT_NE(error_of(with(name, "")), "") << name;
    EXPECT_NE(error_of(with(name, std::string(129, 'a'))), "") << name;
    EXPECT_EQ(error_of(with(name, std::string(128, 'a'))), "") << name;  // exactly at the cap
  }
}

TEST(StreamEntry, ThePayloadIsNonEmptyAndBounded) {
  stream_entry_caps caps;
  caps.max_payload_bytes = 10;
  EXPECT_EQ(error_of(with("payload", ""), caps), "stream entry has an unusable payload");
  EXPECT_EQ(error_of(with("payload", std::string(11, '{')), caps), "stream entry has an unusable payload");
  EXPECT_EQ(error_of(with("payload", std::string(10, '{')), caps), "");
}

TEST(StreamEntry, TimesAreUnsignedDecimalsWithTheDeadlineNotBeforeAcceptance) {
  for (auto bad : {"", "-1", "+1", " 1", "1 ", "12x", "0x10", "1.5", "99999999999999999999", "9223372036854775808"}) {
    EXPECT_NE(error_of(with("acc", bad)), "") << bad;
    EXPECT_NE(error_of(with("dl", bad)), "") << bad;
  }
  EXPECT_EQ(error_of(with("dl", "1700000000122")), "stream entry has unusable times");
  EXPECT_EQ(error_of(with("dl", "1700000000123")), "");  // a deadline equal to acceptance: already passed, but valid
  EXPECT_EQ(error_of(with("acc", "0")), "");
}

TEST(StreamEntry, TooManyFieldsAreRefusedBeforeAnyIsRead) {
  auto f = encode_stream_entry(sample());
  stream_entry_caps caps;
  caps.max_fields = f.size();
  EXPECT_EQ(error_of(f, caps), "");
  f.emplace_back("extra", "x");
  EXPECT_EQ(error_of(f, caps), "stream entry has too many fields");
}
