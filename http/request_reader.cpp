#include "http/request_reader.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>

#include "http/json_errors.hpp"

namespace cx::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Room above the header limit for one chunk-size line with its extensions, or a trailer section,
// or the start of a pipelined request. Body bytes never accumulate: the parser moves them out.
constexpr std::size_t kChunkLineSlack = 8 * 1024;
constexpr std::size_t kReadSize = 16 * 1024;

// RFC 9112 §6.3 and §3.2: the framing a server may trust, or why not.
const char* framing_problem(const bhttp::request_parser<bhttp::string_body>& p) {
  const auto& msg = p.get();
  int te = 0;
  int host = 0;
  bool chunked_only = false;
  for (const auto& f : msg) {
    if (f.name() == bhttp::field::transfer_encoding) {
      ++te;
      chunked_only = beast::iequals(f.value(), "chunked");
    } else if (f.name() == bhttp::field::host) {
      ++host;
    }
  }
  if (te > 1 || (te == 1 && !chunked_only)) return "Unsupported Transfer-Encoding: only a single chunked is accepted";
  if (te == 1 && msg.count(bhttp::field::content_length) > 0) return "Transfer-Encoding and Content-Length together";
  if (msg.version() >= 11 && host != 1) return "An HTTP/1.1 request needs exactly one Host header";
  return nullptr;
}

}  // namespace

struct request_reader::impl {
  explicit impl(std::size_t buffer_limit) : buffer(buffer_limit) {}
  beast::flat_buffer buffer;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
};

request_reader::request_reader(reader_limits limits, std::string remote_address)
    : limits_(limits), remote_address_(std::move(remote_address)), buffer_limit_(limits.max_header_bytes + kChunkLineSlack) {
  impl_ = std::make_unique<impl>(buffer_limit_);
  start_next();
}

request_reader::~request_reader() = default;

void request_reader::start_next() {
  auto& p = impl_->parser.emplace();
  p.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  p.body_limit(limits_.max_body_bytes);
  phase_ = phase::header;
  head_ = request{};
  error_.reset();
  too_large_ = false;
  body_unread_ = false;
}

std::span<char> request_reader::read_space() {
  auto& b = impl_->buffer;
  auto room = std::min(buffer_limit_ - b.size(), kReadSize);
  auto mb = b.prepare(room);
  return {static_cast<char*>(mb.data()), mb.size()};
}

void request_reader::commit(std::size_t n) { impl_->buffer.commit(n); }

void request_reader::commit_eof() { eof_ = true; }

request_reader::status request_reader::advance() {
  switch (phase_) {
    case phase::header:
    case phase::body:
      return parse();
    case phase::decision:
      return status::headers_ready;
    case phase::complete:
      return status::complete;
    case phase::failed:
      break;
  }
  return status::failed;
}

request_reader::status request_reader::parse() {
  auto& p = *impl_->parser;
  auto& b = impl_->buffer;
  for (;;) {
    if (phase_ == phase::body && p.is_done()) {
      phase_ = phase::complete;
      return status::complete;
    }
    beast::error_code ec = bhttp::error::need_more;
    if (b.size() > 0) b.consume(p.put(b.data(), ec));
    // Beast checks a declared Content-Length against the body limit once every field is in,
    // and then fails before it marks the header done.
    if (phase_ == phase::header && ec == bhttp::error::body_limit) {
      too_large_ = true;
      return on_header_done();
    }
    if (phase_ == phase::header && p.is_header_done()) {
      if (ec && ec != bhttp::error::need_more) return fail_parse(ec);
      return on_header_done();
    }
    if (ec == bhttp::error::need_more) {
      if (eof_) return fail(std::nullopt);  // the peer left mid-request
      if (b.size() >= buffer_limit_) return fail(error_response(400, "Chunk extension or trailer too large"));
      return status::need_more;
    }
    if (ec == bhttp::error::body_limit) {
      too_large_ = true;
      phase_ = phase::complete;
      return status::complete;
    }
    if (ec) return fail_parse(ec);
  }
}

request_reader::status request_reader::fail_parse(beast_error ec) {
  if (ec == bhttp::error::header_limit) return fail(error_response(431, "Request header fields too large"));
  return fail(error_response(400, "Malformed HTTP request"));
}

request_reader::status request_reader::fail(std::optional<response> answer) {
  phase_ = phase::failed;
  error_ = std::move(answer);
  return status::failed;
}

request_reader::status request_reader::on_header_done() {
  auto& p = *impl_->parser;
  if (const char* problem = framing_problem(p)) return fail(error_response(400, problem));
  const auto& msg = p.get();
  head_.method = std::string(msg.method_string());
  head_.target = std::string(msg.target());
  head_.remote_address = remote_address_;
  head_.headers.reserve(16);
  for (const auto& f : msg) head_.headers.push_back({std::string(f.name_string()), std::string(f.value())});
  if (too_large_) {
    phase_ = phase::complete;
    return status::complete;
  }
  phase_ = phase::decision;
  return status::headers_ready;
}

void request_reader::accept_body() {
  if (phase_ == phase::decision) phase_ = phase::body;
}

void request_reader::skip_body() {
  if (phase_ != phase::decision) return;
  body_unread_ = !impl_->parser->is_done();
  phase_ = phase::complete;
}

bool request_reader::expects_continue() const {
  const auto& p = *impl_->parser;
  return !p.is_done() && bhttp::token_list{p.get()[bhttp::field::expect]}.exists("100-continue");
}

request request_reader::take() {
  request r = std::move(head_);
  r.body_too_large = too_large_;
  r.body_unread = body_unread_;
  if (!too_large_ && !body_unread_) r.body = std::move(impl_->parser->get().body());
  return r;
}

bool request_reader::keep_alive() const {
  return phase_ == phase::complete && !too_large_ && !body_unread_ && impl_->parser->get().keep_alive();
}

std::size_t request_reader::buffered() const { return impl_->buffer.size(); }

}  // namespace cx::http
