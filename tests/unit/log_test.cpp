#include "actors/telemetry/log.hpp"

#include <gtest/gtest.h>

using cx::log::mask_url_userinfo;

TEST(Log, UrlUserinfoIsMaskedWhereverItStands) {
  EXPECT_EQ(mask_url_userinfo("redis://user:pw@host:6379/0"), "redis://***@host:6379/0");
  EXPECT_EQ(mask_url_userinfo("rediss://:TopSecretPw@redis"), "rediss://***@redis");
  EXPECT_EQ(mask_url_userinfo("got \"http://u:p@a.b/x?y=1\" and https://c:d@e"),
            "got \"http://***@a.b/x?y=1\" and https://***@e");
  EXPECT_EQ(mask_url_userinfo("http://a@b@c/d"), "http://***@c/d");
}

TEST(Log, TextWithoutUserinfoIsUnchanged) {
  for (const char* s : {"", "plain text", "http://host:80/path@x", "mail me@example.org", "http://"}) {
    EXPECT_EQ(mask_url_userinfo(s), s) << s;
  }
}
