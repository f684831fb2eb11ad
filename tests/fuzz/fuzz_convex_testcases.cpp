// Convex's testcases answer (parse_question_set), under the default caps and under tiny caps,
// then what submission.cpp makes of an accepted set: clamped Judge0 limits and one Judge0
// submit body per testcase (CRLF -> LF, base64), which must decode back.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "actors/policy/compare_outputs.hpp"
#include "actors/policy/judge0_limits.hpp"
#include "fuzz_check.hpp"
#include "messages/base64.hpp"
#include "messages/wire_json.hpp"

namespace {

using namespace cx;

std::string crlf_to_lf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

void check(std::string_view body, const request_caps& caps) {
  auto parsed = parse_question_set(body, caps);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    FUZZ_CHECK(!err->empty());
    return;
  }
  const auto& set = std::get<question_set>(parsed);
  FUZZ_CHECK(!set.testcases.empty() && set.testcases.size() <= static_cast<std::size_t>(caps.max_testcases));
  judge0_clamps clamps;
  auto limits = clamp_limits(set.question.time_limit_seconds, set.question.memory_limit_mb, clamps);
  FUZZ_CHECK(limits.cpu_seconds && *limits.cpu_seconds >= 0.1 && *limits.cpu_seconds <= clamps.max_cpu_seconds);
  FUZZ_CHECK(limits.wall_seconds && *limits.wall_seconds >= 1.0 && *limits.wall_seconds <= clamps.max_wall_seconds);
  FUZZ_CHECK(limits.memory_kb && *limits.memory_kb >= 2048 && *limits.memory_kb <= clamps.max_memory_kb);
  for (const auto& tc : set.testcases) {
    FUZZ_CHECK(tc.stdin_text.size() <= caps.max_stdin_bytes);
    judge0_run run{71, "print(input())\r\n", tc.stdin_text, limits};
    auto submit = judge0_submit_body(run);
    boost::system::error_code ec;
    auto v = boost::json::parse(submit, ec);
    FUZZ_CHECK(!ec && v.is_object());
    const auto* in = v.as_object().if_contains("stdin");
    FUZZ_CHECK(in && in->is_string());
    auto decoded = base64_decode(in->as_string());
    FUZZ_CHECK(decoded && *decoded == crlf_to_lf(tc.stdin_text));
    (void)compare_outputs("", tc.expected_stdout, set.question.comparison);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = fuzz::as_view(data, size);
  static const request_caps defaults{};
  static const request_caps tiny{16, 2, 8};
  check(body, defaults);
  check(body, tiny);
  return 0;
}
