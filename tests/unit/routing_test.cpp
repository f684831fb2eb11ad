#include "actors/policy/routing.hpp"

#include <gtest/gtest.h>

using namespace cx;

TEST(Routing, KnownRoutesMatchTheirMethod) {
  EXPECT_EQ(match_route("GET", "/healthz").r, route::healthz);
  EXPECT_EQ(match_route("GET", "/readyz").r, route::readyz);
  EXPECT_EQ(match_route("GET", "/metrics").r, route::metrics);
  EXPECT_EQ(match_route("POST", "/v1/judge-question").r, route::judge_question);
  EXPECT_EQ(match_route("POST", "/v1/judge").r, route::judge);
}

TEST(Routing, WrongMethodIs405WithAllow) {
  auto m = match_route("GET", "/v1/judge");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(match_route("DELETE", "/healthz").allow, "GET, HEAD");
}

TEST(Routing, HeadReachesEveryGetRouteAndNoOther) {
  EXPECT_EQ(match_route("HEAD", "/healthz").r, route::healthz);
  EXPECT_EQ(match_route("HEAD", "/readyz").r, route::readyz);
  EXPECT_EQ(match_route("HEAD", "/metrics").r, route::metrics);
  auto m = match_route("HEAD", "/v1/judge");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "POST");
}

TEST(Routing, UnknownPathIs404) {
  EXPECT_EQ(match_route("GET", "/").status, 404);
  EXPECT_EQ(match_route("POST", "/v1/judge/extra").status, 404);
  EXPECT_EQ(match_route("POST", "/V1/JUDGE").status, 404);
}
