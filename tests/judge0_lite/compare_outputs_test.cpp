#include <gtest/gtest.h>

#include "compare_outputs.hpp"

namespace judge0_lite {
namespace {

TEST(JudgeStrip, RemovesTrailingSpacesOnEveryLineAndTrailingBlankLines) {
  EXPECT_EQ(judge0_strip(std::string("1 \n2\t\n\n\n")), "1\n2");
}

TEST(JudgeStrip, RemovesLeadingWhitespaceOfTheWholeText) {
  EXPECT_EQ(judge0_strip(std::string("\n  5\n")), "5");
}

TEST(JudgeStrip, KeepsNilAsNil) { EXPECT_EQ(judge0_strip(std::nullopt), std::nullopt); }

TEST(OutputsMatch, IgnoresTrailingWhitespaceDifferences) {
  EXPECT_TRUE(outputs_match(std::string("hello\r\n"), "hello"));
  EXPECT_TRUE(outputs_match(std::string("a b\nc"), "a b  \nc\n\n"));
}

TEST(OutputsMatch, InnerWhitespaceMatters) {
  EXPECT_FALSE(outputs_match(std::string("a  b"), "a b"));
  EXPECT_FALSE(outputs_match(std::string("a\n\nb"), "a\nb"));
}

TEST(OutputsMatch, EmptyExpectedAgainstNoOutputIsWrong) {
  // Judge0 stores empty stdout as nil, and strip(nil) != strip("").
  EXPECT_FALSE(outputs_match(std::nullopt, ""));
  EXPECT_FALSE(outputs_match(std::nullopt, "  \n"));
}

}  // namespace
}  // namespace judge0_lite
