#include <gtest/gtest.h>

#include "base64.hpp"

namespace judge0_lite {
namespace {

TEST(Encode64, MatchesRubyForShortText) { EXPECT_EQ(encode64("hello, Judge0\n"), "aGVsbG8sIEp1ZGdlMAo=\n"); }

TEST(Encode64, EmptyInputIsEmpty) { EXPECT_EQ(encode64(""), ""); }

TEST(Encode64, BreaksLinesEverySixtyCharacters) {
  // 45 bytes encode to exactly 60 characters; 46 bytes need a second line.
  std::string encoded45 = encode64(std::string(45, 'a'));
  EXPECT_EQ(encoded45.size(), 61u);
  EXPECT_EQ(encoded45.back(), '\n');
  std::string encoded46 = encode64(std::string(46, 'a'));
  ASSERT_EQ(encoded46.size(), 61u + 5u);
  EXPECT_EQ(encoded46[60], '\n');
  EXPECT_EQ(encoded46.substr(61), "YQ==\n");
}

TEST(Encode64, PadsOneAndTwoByteTails) {
  EXPECT_EQ(encode64("a"), "YQ==\n");
  EXPECT_EQ(encode64("ab"), "YWI=\n");
  EXPECT_EQ(encode64("abc"), "YWJj\n");
}

TEST(Decode64, RoundTripsBinaryData) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(decode64(encode64(bytes)), bytes);
}

TEST(Decode64, IgnoresWhitespaceAndMissingPadding) {
  EXPECT_EQ(decode64("aGVs\nbG8s IEp1ZGdlMAo"), "hello, Judge0\n");
  EXPECT_EQ(decode64("YQ"), "a");
}

TEST(Decode64, SkipsGarbageInsteadOfFailing) { EXPECT_EQ(decode64("Y*Q=="), "a"); }

}  // namespace
}  // namespace judge0_lite
