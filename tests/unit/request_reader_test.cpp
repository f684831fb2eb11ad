// The server's read path without sockets: framing, limits and the body gate.
#include "http/request_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

using cx::http::reader_limits;
using cx::http::request_reader;
using st = request_reader::status;

namespace {

constexpr reader_limits kLimits{16 * 1024, 1 << 20};

// Feeds `bytes` in pieces of at most `step`, answering headers_ready with accept_body() (or
// skip_body()). Returns the status when the reader stops or the input runs out.
st feed(request_reader& r, std::string_view bytes, bool accept = true, std::size_t step = 4096) {
  std::size_t pos = 0;
  for (;;) {
    auto s = r.advance();
    if (s == st::headers_ready) {
      accept ? r.accept_body() : r.skip_body();
      continue;
    }
    if (s != st::need_more || pos == bytes.size()) return s;
    auto space = r.read_space();
    auto n = std::min({space.size(), step, bytes.size() - pos});
    std::memcpy(space.data(), bytes.data() + pos, n);
    r.commit(n);
    pos += n;
    EXPECT_LE(r.buffered(), r.buffer_limit());
  }
}

// Hands `bytes` (one read's worth) to the reader without advancing it.
void put(request_reader& r, std::string_view bytes) {
  auto space = r.read_space();
  ASSERT_GE(space.size(), bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  r.commit(bytes.size());
}

int error_status(const request_reader& r) { return r.error() ? r.error()->status : 0; }

const std::string kGet = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST(RequestReader, ReadsPipelinedRequestsOneAfterTheOther) {
  request_reader r(kLimits, "10.0.0.1");
  ASSERT_EQ(feed(r, kGet + "POST /v1/judge HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"), st::complete);
  auto first = r.take();
  EXPECT_EQ(first.target, "/healthz");
  EXPECT_EQ(first.remote_address, "10.0.0.1");
  EXPECT_TRUE(r.keep_alive());
  r.start_next();
  ASSERT_EQ(feed(r, ""), st::complete);
  auto second = r.take();
  EXPECT_EQ(second.method, "POST");
  EXPECT_EQ(second.body, "abc");
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(RequestReader, StreamsALargeChunkedBodyWithoutGrowingTheBuffer) {
  std::string req = "POST /v1/judge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string piece(1000, 'a');
  for (int i = 0; i < 1000; ++i) req += "3e8\r\n" + piece + "\r\n";
  req += "0\r\n\r\n";
  request_reader r(kLimits);
  ASSERT_EQ(feed(r, req), st::complete);
  EXPECT_EQ(r.take().body.size(), 1000000u);
}

TEST(RequestReader, RefusesAChunkExtensionLongerThanTheBuffer) {
  request_reader r(kLimits);
  std::string req = "POST /v1/judge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;" +
                    std::string(1 << 20, 'a');
  EXPECT_EQ(feed(r, req), st::failed);
  EXPECT_EQ(error_status(r), 400);
  EXPECT_LE(r.buffered(), kLimits.max_header_bytes + 8 * 1024);
}

TEST(RequestReader, RefusesATrailerLongerThanTheBuffer) {
  request_reader r(kLimits);
  std::string req = "POST /v1/judge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n";
  for (int i = 0; i < 20000; ++i) req += "X-T: " + std::to_string(i) + "\r\n";
  EXPECT_EQ(feed(r, req), st::failed);
  EXPECT_EQ(error_status(r), 400);
}

TEST(RequestReader, AcceptsOnlyASingleChunkedTransferCoding) {
  const char* bad[] = {
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: xchunked\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: chunked, identity\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
  };
  for (const char* te : bad) {
    request_reader r(kLimits);
    std::string req = std::string("POST /v1/judge HTTP/1.1\r\nHost: x\r\n") + te + "\r\n0\r\n\r\n" + kGet;
    EXPECT_EQ(feed(r, req), st::failed) << te;
    EXPECT_EQ(error_status(r), 400) << te;
  }
  request_reader ok(kLimits);
  EXPECT_EQ(feed(ok, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"), st::complete);
}

TEST(RequestReader, AnHttp11RequestNeedsExactlyOneHost) {
  for (std::string req : {"GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    request_reader r(kLimits);
    EXPECT_EQ(feed(r, req), st::failed) << req;
    EXPECT_EQ(error_status(r), 400) << req;
  }
  request_reader old(kLimits);
  EXPECT_EQ(feed(old, "GET / HTTP/1.0\r\n\r\n"), st::complete);
  EXPECT_FALSE(old.keep_alive());
}

TEST(RequestReader, TooLargeHeadersGet431AndMalformedOnes400) {
  request_reader big(kLimits);
  EXPECT_EQ(feed(big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n"), st::failed);
  EXPECT_EQ(error_status(big), 431);
  request_reader junk(kLimits);
  EXPECT_EQ(feed(junk, "GET / HTTP/1.1\r\nHost x\r\n\r\n"), st::failed);
  EXPECT_EQ(error_status(junk), 400);
}

TEST(RequestReader, ADeclaredBodyAboveTheCapIsFlaggedUnread) {
  request_reader r(kLimits);
  ASSERT_EQ(feed(r, "POST /v1/judge HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"), st::complete);
  auto req = r.take();
  EXPECT_EQ(req.target, "/v1/judge");  // the handler still routes it (and answers 413)
  EXPECT_TRUE(req.body_too_large);
  EXPECT_TRUE(req.body.empty());
  EXPECT_FALSE(r.keep_alive());
}

TEST(RequestReader, SkippingTheBodyLeavesItUnreadAndEndsTheConnection) {
  request_reader r(kLimits);
  put(r, "POST /v1/judge HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_EQ(r.advance(), st::headers_ready);
  EXPECT_TRUE(r.expects_continue());
  EXPECT_EQ(r.head().target, "/v1/judge");
  r.skip_body();
  ASSERT_EQ(r.advance(), st::complete);
  auto req = r.take();
  EXPECT_TRUE(req.body_unread);
  EXPECT_FALSE(r.keep_alive());

  request_reader get(kLimits);
  ASSERT_EQ(feed(get, kGet, false), st::complete);
  EXPECT_FALSE(get.take().body_unread);  // nothing was declared: the connection stays usable
  EXPECT_TRUE(get.keep_alive());
}

TEST(RequestReader, APeerLeavingMidRequestClosesWithoutAnAnswer) {
  request_reader r(kLimits);
  ASSERT_EQ(feed(r, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"), st::need_more);
  r.commit_eof();
  EXPECT_EQ(r.advance(), st::failed);
  EXPECT_FALSE(r.error().has_value());
}
