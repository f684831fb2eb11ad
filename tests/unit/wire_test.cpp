#include "http/wire.hpp"

#include <gtest/gtest.h>

using namespace cx::http;

namespace {

cx::url_parts url(const char* u) { return *cx::parse_url(u); }

}  // namespace

TEST(WireRequest, PostCarriesHostHeadersAndContentLength) {
  client_request req;
  req.method = "POST";
  req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "s1"}};
  req.body = R"({"a":1})";
  auto wire = serialize_request(req, url("http://127.0.0.1:3210/coding/testcases"));
  ASSERT_TRUE(wire);
  EXPECT_EQ(*wire,
            "POST /coding/testcases HTTP/1.1\r\nHost: 127.0.0.1:3210\r\nUser-Agent: code-exec\r\n"
            "Content-Type: application/json\r\nIdempotency-Key: s1\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(WireRequest, GetHasNoContentLengthAndDefaultPortsAreLeftOut) {
  client_request req;
  req.method = "GET";
  EXPECT_EQ(*serialize_request(req, url("https://x.convex.site/a?b=1")),
            "GET /a?b=1 HTTP/1.1\r\nHost: x.convex.site\r\nUser-Agent: code-exec\r\n\r\n");
  EXPECT_EQ(*serialize_request(req, url("http://h")), "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: code-exec\r\n\r\n");
}

TEST(WireRequest, EmptyPostStillSaysContentLengthZero) {
  client_request req;
  req.method = "POST";
  EXPECT_NE(serialize_request(req, url("http://h/x"))->find("Content-Length: 0\r\n\r\n"), std::string::npos);
}

TEST(WireRequest, Ipv6HostIsBracketed) {
  client_request req;
  EXPECT_NE(serialize_request(req, url("http://[::1]:8080/x"))->find("Host: [::1]:8080\r\n"), std::string::npos);
}

TEST(WireRequest, LineBreaksInHeadersAreRefused) {
  client_request req;
  req.headers = {{"Idempotency-Key", "a\r\nX-Evil: 1"}};
  EXPECT_FALSE(serialize_request(req, url("http://h/")));
  req.headers = {{"X\nY", "v"}};
  EXPECT_FALSE(serialize_request(req, url("http://h/")));
  req.headers = {{"", "v"}};
  EXPECT_FALSE(serialize_request(req, url("http://h/")));
}

TEST(WireResponse, StatusLineHeadersAndLength) {
  auto res = response::json(202, R"({"ok":true})");
  res.set_header("X-Request-Id", "r1");
  auto wire = serialize_response(res, true);
  EXPECT_EQ(wire.rfind("HTTP/1.1 202 Accepted\r\n", 0), 0u);
  EXPECT_NE(wire.find("X-Request-Id: r1\r\n"), std::string::npos);
  EXPECT_NE(wire.find("Content-Length: 11\r\n\r\n{\"ok\":true}"), std::string::npos);
  EXPECT_EQ(wire.find("Connection:"), std::string::npos);
}

TEST(WireResponse, AHeadAnswerKeepsTheLengthAndLeavesTheBodyOut) {
  auto wire = serialize_response(response::json(200, R"({"ok":true})"), true, true);
  EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(wire.substr(wire.size() - 22), "Content-Length: 11\r\n\r\n");
}

TEST(WireResponse, CloseIsAnnouncedAndBrokenHeadersDropped) {
  auto res = response::json(413, "{}");
  res.set_header("X-Request-Id", "a\r\nSet-Cookie: x");
  auto wire = serialize_response(res, false);
  EXPECT_EQ(wire.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u);
  EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(wire.find("X-Request-Id"), std::string::npos);
}
