#include "messages/url.hpp"

#include <gtest/gtest.h>

using cx::parse_url;

TEST(Url, SplitsSchemeHostPortAndTarget) {
  auto u = parse_url("https://x.convex.site/coding/testcases?a=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "x.convex.site");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/coding/testcases?a=1");
  auto v = parse_url("http://127.0.0.1:2358");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->port, 2358);
  EXPECT_EQ(v->target, "/");
  auto w = parse_url("http://[::1]:8080/x");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->host, "::1");
}

TEST(Url, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  EXPECT_FALSE(parse_url("ftp://x"));
  EXPECT_FALSE(parse_url("judge0:2358"));
  EXPECT_FALSE(parse_url("http://"));
  EXPECT_FALSE(parse_url("http://host:99999"));
  EXPECT_FALSE(parse_url("http://user@host"));
  EXPECT_FALSE(parse_url("http://host:abc/"));
}

TEST(Url, KeepsTheQueryAndDropsTheFragment) {
  auto u = parse_url("http://h:81/a/b?x=1&y=%20#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 81);
  EXPECT_EQ(u->target, "/a/b?x=1&y=%20");
  auto q = parse_url("http://h?x=1");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->target, "/?x=1");
}

TEST(Url, RefusesBrokenAuthorities) {
  EXPECT_FALSE(parse_url("http://host:/"));
  EXPECT_FALSE(parse_url("http://ho st/"));
  EXPECT_FALSE(parse_url("http://[::1/"));
  EXPECT_FALSE(parse_url("http://user:pw@host/"));
  EXPECT_FALSE(parse_url("http:/host"));
}
