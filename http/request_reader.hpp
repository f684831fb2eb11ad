// The server's read path without I/O: bytes in, one HTTP/1.1 request out, or the error answer.
// The session only moves bytes between the socket and read_space()/commit(); unit tests and the
// fuzz target drive this same code. Every buffer it holds is bounded: the unparsed bytes by
// buffer_limit() (Beast caps neither chunk extensions nor trailers), the body by max_body_bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <boost/system/error_code.hpp>

#include "http/message.hpp"

namespace cx::http {

struct reader_limits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1 << 20;
};

class request_reader {
 public:
  enum class status {
    need_more,      // read more bytes (read_space/commit, or commit_eof)
    headers_ready,  // head() is complete: call accept_body() or skip_body(), then advance()
    complete,       // take() the request
    failed,         // answer error() if set, then close the connection
  };

  // `remote_address` is stamped on every request read.
  request_reader(reader_limits limits, std::string remote_address = {});
  ~request_reader();
  request_reader(const request_reader&) = delete;
  request_reader& operator=(const request_reader&) = delete;

  // Starts the next request on the connection; bytes already buffered (pipelined) stay.
  void start_next();
  // Room for the next read; never empty while advance() says need_more.
  std::span<char> read_space();
  void commit(std::size_t n);
  // The peer sent its last byte.
  void commit_eof();
  status advance();

  // After headers_ready: method, target, headers and remote address (no body).
  const request& head() const { return head_; }
  void accept_body();
  // The body is never read; take() then flags body_unread when one was declared.
  void skip_body();
  // Whether to send "100 Continue" before reading the body.
  bool expects_continue() const;
  // After complete: moves the request out.
  request take();

  // After failed: the answer to send, or nullopt when the peer closed mid-request.
  const std::optional<response>& error() const { return error_; }
  // After complete: whether the connection may carry another request.
  bool keep_alive() const;
  std::size_t buffered() const;
  std::size_t buffer_limit() const { return buffer_limit_; }

 private:
  enum class phase { header, decision, body, complete, failed };
  status parse();
  status fail(std::optional<response> answer);
  status on_header_done();
  using beast_error = boost::system::error_code;
  status fail_parse(beast_error ec);

  struct impl;
  std::unique_ptr<impl> impl_;
  reader_limits limits_;
  std::string remote_address_;
  std::size_t buffer_limit_;
  phase phase_ = phase::header;
  request head_;
  std::optional<response> error_;
  bool eof_ = false;
  bool too_large_ = false;
  bool body_unread_ = false;
};

}  // namespace cx::http
