#include "messages/base64.hpp"

#include <gtest/gtest.h>

using cx::base64_decode;
using cx::base64_encode;

TEST(Base64, EncodesStandardPaddedAlphabet) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("\xff\xfe"), "//4=");
}

TEST(Base64, DecodesJudge0LineBreaksEvery60Chars) {
  std::string text(100, 'x');
  auto enc = base64_encode(text);
  std::string wrapped;
  for (std::size_t i = 0; i < enc.size(); i += 60) wrapped += enc.substr(i, 60) + "\n";
  EXPECT_EQ(base64_decode(wrapped), text);
}

TEST(Base64, ToleratesCarriageReturnsSpacesAndMissingPadding) {
  EXPECT_EQ(base64_decode("aGVs\r\nbG8=\n"), "hello");
  EXPECT_EQ(base64_decode(" Zm8 "), "fo");
}

TEST(Base64, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
  EXPECT_FALSE(base64_decode("Zg===").has_value());
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
}

TEST(Base64, LinesBreakEvery60CharactersAndAtTheEndLikeRuby) {
  EXPECT_EQ(cx::base64_encode_lines(""), "");
  EXPECT_EQ(cx::base64_encode_lines("hello, Judge0\n"), "aGVsbG8sIEp1ZGdlMAo=\n");
  auto text = cx::base64_encode_lines(std::string(46, 'a'));  // 64 characters of base64
  EXPECT_EQ(text.size(), 64u + 2u);
  EXPECT_EQ(text[60], '\n');
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(base64_decode(text), std::string(46, 'a'));
}
