#include "messages/id_rules.hpp"

#include <gtest/gtest.h>

#include <string>

using cx::id_problem;

TEST(IdRules, ConvexIdsAndCommonIdsPass) {
  EXPECT_FALSE(id_problem("jd7f3k2m9x8q1w0e5r6t4y3u2i1o0p9a"));
  EXPECT_FALSE(id_problem("sub-1_2.3:4~!"));
  EXPECT_FALSE(id_problem(std::string(128, 'a')));
}

TEST(IdRules, EmptyAndTooLongAreRefused) {
  EXPECT_EQ(id_problem("").value(), "String must contain at least 1 character(s)");
  EXPECT_EQ(id_problem(std::string(129, 'a')).value(), "String must contain at most 128 character(s)");
}

TEST(IdRules, BytesNoHeaderCarriesUnchangedAreRefused) {
  const std::initializer_list<std::string> bad_ids{
      "a\r\nb", "a\nb", "a\rb", std::string("a\0b", 3), "a b", " a", "a\tb", "caf\xc3\xa9", "a\x7f"};
  for (const auto& bad : bad_ids) {
    auto p = id_problem(bad);
    ASSERT_TRUE(p) << bad;
    EXPECT_EQ(*p, "Invalid characters: only visible ASCII (0x21-0x7E) is allowed");
  }
}
