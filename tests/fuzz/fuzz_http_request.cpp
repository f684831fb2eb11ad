// The server's read path (http::request_reader, the code every connection runs) on raw bytes:
// several pipelined requests per input, fed in reads of varying size, with the server's default
// limits. Nothing crashes, every buffer stays within its bound, and each request ends in an
// answer or a close.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "http/request_reader.hpp"
#include "http/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cx::http::request_reader;
  using st = request_reader::status;
  if (size < 1) return 0;
  // The first byte picks the read size and which requests the body gate refuses.
  const std::size_t step = 1 + (data[0] & 0x3f) * 37;
  const unsigned gate_bits = data[0] >> 6;
  data += 1;
  size -= 1;

  const cx::http::server_options defaults;
  const cx::http::reader_limits limits{defaults.max_header_bytes, defaults.max_body_bytes};
  request_reader r(limits, "127.0.0.1");
  std::size_t pos = 0;
  unsigned requests = 0;
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    FUZZ_CHECK(r.buffered() <= r.buffer_limit());
    auto s = r.advance();
    if (s == st::headers_ready) {
      FUZZ_CHECK(r.head().body.empty());
      ((gate_bits >> (requests % 2)) & 1) ? r.skip_body() : r.accept_body();
      continue;
    }
    if (s == st::complete) {
      bool keep = r.keep_alive();
      auto req = r.take();
      FUZZ_CHECK(req.body.size() <= limits.max_body_bytes);
      FUZZ_CHECK(!(req.body_unread || req.body_too_large) || (req.body.empty() && !keep));
      ++requests;
      if (!keep) return 0;
      r.start_next();
      continue;
    }
    if (s == st::failed) {
      auto status = r.error() ? r.error()->status : 0;
      FUZZ_CHECK(status == 0 || status == 400 || status == 431);
      return 0;
    }
    if (pos == size) {
      r.commit_eof();
      FUZZ_CHECK(r.advance() != st::need_more);
      continue;
    }
    auto space = r.read_space();
    FUZZ_CHECK(!space.empty());
    auto n = std::min({space.size(), step, size - pos});
    std::memcpy(space.data(), data + pos, n);
    r.commit(n);
    pos += n;
  }
  FUZZ_CHECK(!"the reader made no progress");
  return 0;
}
