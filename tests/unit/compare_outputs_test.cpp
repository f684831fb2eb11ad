#include "actors/policy/compare_outputs.hpp"

#include <gtest/gtest.h>

using cx::compare_outputs;
using cx::normalize_output;
using cx::output_comparison;

namespace {
const output_comparison kDefault{true, false, true};
const output_comparison kExact{false, false, true};
}  // namespace

TEST(CompareOutputs, CrlfBecomesLfBeforeAnythingElse) {
  EXPECT_TRUE(compare_outputs("a\r\nb\r\n", "a\nb\n", kExact));
  EXPECT_FALSE(compare_outputs("a\rb", "a\nb", kExact));
}

TEST(CompareOutputs, TrimRemovesTrailingWhitespaceOfWholeStringAndEachLine) {
  EXPECT_TRUE(compare_outputs("1 2  \n3\t\n\n\n", "1 2\n3", kDefault));
  EXPECT_FALSE(compare_outputs("1 2  \n3", "1 2\n3", kExact));
}

TEST(CompareOutputs, LeadingWhitespaceIsNeverRemoved) {
  EXPECT_FALSE(compare_outputs("  x", "x", kDefault));
  EXPECT_FALSE(compare_outputs("\nx", "x", kDefault));
}

TEST(CompareOutputs, InnerBlankLinesStay) {
  EXPECT_FALSE(compare_outputs("a\n\nb", "a\nb", kDefault));
}

TEST(CompareOutputs, NormalizeWhitespaceCollapsesSpacesAndTabsOnly) {
  output_comparison c{true, true, true};
  EXPECT_TRUE(compare_outputs("1  \t 2", "1 2", c));
  EXPECT_FALSE(compare_outputs("1\v2", "1 2", c));
  EXPECT_FALSE(compare_outputs("1  2", "1 2", kDefault));
}

TEST(CompareOutputs, CaseInsensitiveUsesUnicodeLowercasing) {
  output_comparison c{true, false, false};
  EXPECT_TRUE(compare_outputs("YES", "yes", c));
  EXPECT_TRUE(compare_outputs("ÄÖÜ ΣΑΣ", "äöü σας", c));  // final sigma, as in JavaScript
  EXPECT_TRUE(compare_outputs("İ", "i\xCC\x87", c));        // U+0130 -> i + combining dot
  EXPECT_FALSE(compare_outputs("YES", "yes", kDefault));
}

// Expectations are what Boost.Locale's to_lower gave for the same bytes.
TEST(CompareOutputs, LowercasingKeepsBytesThatAreNotUtf8AndLowercasesTheRest) {
  EXPECT_EQ(cx::to_lower_js("\xCE\xA3 \xC4\xB0\xC0\xA0"), "\xCF\x83 i\xCC\x87\xC0\xA0");
  EXPECT_EQ(cx::to_lower_js("A\xFF" "B\xCE\xA3"), "a\xFF" "b\xCF\x82");
  EXPECT_EQ(cx::to_lower_js("\xE2\x82"), "\xE2\x82");
  EXPECT_EQ(cx::to_lower_js("\xF0\x90\x90\x80"), "\xF0\x90\x90\xA8");  // U+10400 -> U+10428
}

TEST(CompareOutputs, NormalizingTwiceChangesNothingEvenForBytesThatAreNotUtf8) {
  output_comparison c{true, false, false};
  auto once = normalize_output("\xCE\xA3 \xC4\xB0\xC0\xA0\n\x10uy\x01", c);
  EXPECT_EQ(normalize_output(once, c), once);
}

TEST(CompareOutputs, TrimEndUsesTheJavaScriptWhitespaceSet) {
  EXPECT_EQ(cx::trim_end_js("x \t\n\v\f\r"), "x");
  EXPECT_EQ(cx::trim_end_js("x\xC2\xA0"), "x");            // U+00A0
  EXPECT_EQ(cx::trim_end_js("x\xEF\xBB\xBF"), "x");        // U+FEFF
  EXPECT_EQ(cx::trim_end_js("x\xE3\x80\x80"), "x");        // U+3000
  EXPECT_EQ(cx::trim_end_js("x\xE2\x80\x8A\xE2\x80\xA8"), "x");  // U+200A, U+2028
  // U+1680, U+2000, U+2029, U+202F, U+205F
  EXPECT_EQ(cx::trim_end_js("x\xE1\x9A\x80\xE2\x80\x80\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\x9F"), "x");
  EXPECT_EQ(cx::trim_end_js("x\xE2\x80\x8B"), "x\xE2\x80\x8B");  // U+200B is not whitespace
  EXPECT_EQ(cx::trim_end_js("x\xE1\xA0\x8E"), "x\xE1\xA0\x8E");  // nor U+180E since Unicode 6.3
  EXPECT_EQ(cx::trim_end_js("x\x85"), "x\x85");             // a stray byte stays
}

TEST(CompareOutputs, NormalFormAppliesStepsInContractOrder) {
  output_comparison all{true, true, false};
  EXPECT_EQ(normalize_output("  A\t\tB  \r\nC \n\n", all), " a b\nc");  // collapsed, not removed
}

TEST(CompareOutputs, EmptyOutputsCompareEqualAfterTrim) {
  EXPECT_TRUE(compare_outputs("", "\n", kDefault));
  EXPECT_FALSE(compare_outputs("", "\n", kExact));
}
