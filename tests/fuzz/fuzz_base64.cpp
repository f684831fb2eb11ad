// base64 as Judge0 speaks it: decode(encode(x)) == x, also with Judge0's 60-column wrapping;
// decode never crashes on anything, and whatever it accepts re-encodes to something it
// decodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "messages/base64.hpp"

namespace {

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cx;
  auto bytes = fuzz::as_view(data, size);

  // The input as bytes to encode.
  auto encoded = base64_encode(bytes);
  FUZZ_CHECK(encoded.size() == (size + 2) / 3 * 4);
  auto back = base64_decode(encoded);
  FUZZ_CHECK(back.has_value() && *back == bytes);
  auto wrapped = base64_decode(base64_encode_lines(bytes));
  FUZZ_CHECK(wrapped.has_value() && *wrapped == bytes);
  // Judge0 sometimes sends CRLF line ends.
  std::string crlf;
  for (char c : base64_encode_lines(bytes)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto from_crlf = base64_decode(crlf);
  FUZZ_CHECK(from_crlf.has_value() && *from_crlf == bytes);

  // The input as text to decode.
  auto decoded = base64_decode(bytes);
  if (decoded) {
    FUZZ_CHECK(decoded->size() <= size / 4 * 3 + 2);
    auto again = base64_decode(base64_encode(*decoded));
    FUZZ_CHECK(again.has_value() && *again == *decoded);
  }
  return 0;
}
