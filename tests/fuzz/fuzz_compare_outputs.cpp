// Output comparison (contract §1). Input: byte 0 holds the flags (bit 0 trimOutputs,
// bit 1 normalizeWhitespace, bit 2 caseSensitive), then actual output, a NUL byte, expected
// output (everything after the first NUL, NULs included).
//
// Invariants: compare(x, x); compare is symmetric; normalize_output is idempotent for every
// flag set where it holds (see kIdempotentFlagSets); trim_end_js and to_lower_js on the
// pieces never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/policy/compare_outputs.hpp"
#include "fuzz_check.hpp"

namespace {

// Bit n set: normalize(normalize(x)) == normalize(x) is asserted for the flag set n
// (n = trim | normalizeWhitespace << 1 | caseSensitive << 2).
//
// Not idempotent with trimOutputs off (sets 0, 2, 4, 6): CRLF is turned into LF in a single
// left-to-right pass, so "\r\r\n" normalizes to "\r\n", which normalizes to "\n".
// With trimOutputs on, every line's trailing "\r" is trimmed, so the second pass is a no-op.
// FUZZ_IDEMPOTENT_SETS=0xff (environment) asserts it for every set, to see the counterexample.
constexpr unsigned kIdempotentFlagSets = 0b1010'1010;

unsigned idempotent_sets() {
  static const unsigned sets = [] {
    const char* env = std::getenv("FUZZ_IDEMPOTENT_SETS");
    return env ? static_cast<unsigned>(std::strtoul(env, nullptr, 0)) : kIdempotentFlagSets;
  }();
  return sets;
}

cx::output_comparison flags_of(unsigned bits) {
  cx::output_comparison c;
  c.trim_outputs = (bits & 1) != 0;
  c.normalize_whitespace = (bits & 2) != 0;
  c.case_sensitive = (bits & 4) != 0;
  return c;
}

void check_idempotent(std::string_view x, unsigned set) {
  auto cmp = flags_of(set);
  auto once = cx::normalize_output(x, cmp);
  auto twice = cx::normalize_output(once, cmp);
  if (twice != once) {
    std::fprintf(stderr, "normalize_output is not idempotent for flag set %u (trim=%d ws=%d case=%d)\n", set,
                 cmp.trim_outputs, cmp.normalize_whitespace, cmp.case_sensitive);
    cx::fuzz::dump("input", x);
    cx::fuzz::dump("normalize(input)", once);
    cx::fuzz::dump("normalize(normalize(input))", twice);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cx;
  if (size == 0) return 0;
  const unsigned bits = data[0] & 7u;
  auto rest = fuzz::as_view(data + 1, size - 1);
  auto nul = rest.find('\0');
  auto actual = rest.substr(0, nul);
  auto expected = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
  const auto cmp = flags_of(bits);

  FUZZ_CHECK(compare_outputs(actual, actual, cmp));
  FUZZ_CHECK(compare_outputs(expected, expected, cmp));
  FUZZ_CHECK(compare_outputs(actual, expected, cmp) == compare_outputs(expected, actual, cmp));

  // Trailing whitespace never matters when trimming.
  if (cmp.trim_outputs) {
    std::string padded(actual);
    padded += " \t\r\n\n";
    FUZZ_CHECK(compare_outputs(actual, padded, cmp));
  }

  for (unsigned set = 0; set < 8; ++set) {
    if (idempotent_sets() & (1u << set)) check_idempotent(actual, set);
  }

  auto trimmed = trim_end_js(actual);
  FUZZ_CHECK(trimmed.size() <= actual.size() && actual.substr(0, trimmed.size()) == trimmed);
  FUZZ_CHECK(trim_end_js(trimmed) == trimmed);
  (void)to_lower_js(expected);
  return 0;
}
