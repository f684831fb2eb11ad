// An invariant failure inside a fuzz target: print what broke and abort, so libFuzzer
// records the input as a crash (crash-<sha1>) like any sanitizer report.
#pragma once

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace cx::fuzz {

inline bool is_json(std::string_view s) {
  boost::system::error_code ec;
  boost::json::parse(s, ec);
  return !ec;
}

inline std::string_view as_view(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Prints a byte string as a C string literal, for counterexamples in a report.
inline void dump(const char* label, std::string_view s) {
  std::fprintf(stderr, "%s (%zu bytes): \"", label, s.size());
  for (unsigned char c : s) {
    if (c == '\\' || c == '"') std::fprintf(stderr, "\\%c", c);
    else if (c >= 0x20 && c < 0x7F) std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02X", c);
  }
  std::fprintf(stderr, "\"\n");
}

}  // namespace cx::fuzz
