// The judge routes' bodies, as front.cpp handles them: parse + validate
// (POST /v1/judge-question and POST /v1/judge), under the default caps and under tiny caps,
// then build what the service answers from the result. Every answer must be valid JSON and
// every accepted body must satisfy the validation it passed. The raw body also goes through
// the HMAC signature check, as the auth step sees it.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "actors/policy/judge0_limits.hpp"
#include "actors/policy/signing.hpp"
#include "fuzz_check.hpp"
#include "http/json_errors.hpp"
#include "messages/wire_json.hpp"

namespace {

using namespace cx;

// The 400 answer, exactly as front.cpp builds it (error_response parses details_json, so
// an invalid one would throw there).
void check_error(const request_error& err) {
  FUZZ_CHECK(!err.message.empty());
  auto details = err.details_json.empty() ? issues_details_json(err.issues) : err.details_json;
  if (err.message == "Malformed JSON body") details.clear();
  FUZZ_CHECK(details.empty() || fuzz::is_json(details));
  auto res = http::error_response(400, err.submission_id, err.message, details);
  FUZZ_CHECK(res.status == 400 && fuzz::is_json(res.body));
  if (err.message == "Invalid request body") FUZZ_CHECK(!err.issues.empty());
}

void check_limits(const judge0_limits& l, const judge0_clamps& c) {
  if (l.cpu_seconds) FUZZ_CHECK(*l.cpu_seconds >= 0.1 && *l.cpu_seconds <= c.max_cpu_seconds);
  if (l.wall_seconds) FUZZ_CHECK(*l.wall_seconds >= 1.0 && *l.wall_seconds <= c.max_wall_seconds);
  if (l.memory_kb) FUZZ_CHECK(*l.memory_kb >= 2048 && *l.memory_kb <= c.max_memory_kb);
}

void judge_question(std::string_view body, const request_caps& caps) {
  auto parsed = parse_judge_request(body, caps);
  if (auto* err = std::get_if<request_error>(&parsed)) return check_error(*err);
  const auto& r = std::get<judge_request>(parsed);
  FUZZ_CHECK(!r.question_id.empty() && !r.submission_id.empty());
  FUZZ_CHECK(r.language_id > 0);
  FUZZ_CHECK(r.source_code.size() <= caps.max_source_bytes);
  FUZZ_CHECK(fuzz::is_json(mark_running_body(r.submission_id)));
  FUZZ_CHECK(fuzz::is_json(fetch_testcases_body(r.question_id)));
  FUZZ_CHECK(fuzz::is_json(accepted_body(r.submission_id, "req-1", true)));
  FUZZ_CHECK(std::string(route_suffix(r.kind)).size() <= 13);
}

void judge_inline(std::string_view body, const request_caps& caps) {
  auto parsed = parse_inline_judge_request(body, caps);
  if (auto* err = std::get_if<request_error>(&parsed)) return check_error(*err);
  const auto& r = std::get<inline_judge_request>(parsed);
  FUZZ_CHECK(r.language_id > 0);
  FUZZ_CHECK(r.source_code.size() <= caps.max_source_bytes);
  FUZZ_CHECK(!r.testcases.empty() && r.testcases.size() <= static_cast<std::size_t>(caps.max_testcases));
  if (r.cpu_seconds) FUZZ_CHECK(*r.cpu_seconds > 0);
  if (r.memory_mb) FUZZ_CHECK(*r.memory_mb > 0);
  if (r.wall_seconds) FUZZ_CHECK(*r.wall_seconds > 0);
  judge0_clamps clamps;
  auto limits = clamp_inline_limits(r.cpu_seconds, r.memory_mb, r.wall_seconds, clamps);
  check_limits(limits, clamps);
  for (const auto& tc : r.testcases) {
    FUZZ_CHECK(tc.stdin_text.size() <= caps.max_stdin_bytes);
    judge0_run run{r.language_id, r.source_code, tc.stdin_text, limits};
    FUZZ_CHECK(fuzz::is_json(judge0_submit_body(run)));
  }
  inline_summary s{false, 0, static_cast<int>(r.testcases.size()), 1};
  judge0_outcome o;
  o.status_id = 4;
  o.stdout_text = "x";
  inline_failure f{0, &r.testcases.front(), &o};
  FUZZ_CHECK(fuzz::is_json(inline_result_body(s, &f)));
}

void signature(std::string_view body) {
  const std::vector<std::string> secrets{"old-secret", "fuzz-secret"};
  const std::int64_t now = 1'700'000'000;
  auto sig = sign_payload("fuzz-secret", now - 30, body);
  FUZZ_CHECK(verify_signature(secrets, std::to_string(now - 30), sig, body, now, 300) == signature_check::ok);
  std::string tampered(body);
  tampered += ' ';
  FUZZ_CHECK(verify_signature(secrets, std::to_string(now - 30), sig, tampered, now, 300) ==
             signature_check::mismatch);
  // Headers carved from the input: "<timestamp>\n<signature>\n<body>".
  auto nl1 = body.find('\n');
  if (nl1 == std::string_view::npos) return;
  auto nl2 = body.find('\n', nl1 + 1);
  if (nl2 == std::string_view::npos) return;
  auto r = verify_signature(secrets, body.substr(0, nl1), body.substr(nl1 + 1, nl2 - nl1 - 1), body.substr(nl2 + 1),
                            now, 300);
  FUZZ_CHECK(to_string(r) != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = fuzz::as_view(data, size);
  static const request_caps defaults{};
  static const request_caps tiny{16, 2, 8};
  judge_question(body, defaults);
  judge_question(body, tiny);
  judge_inline(body, defaults);
  judge_inline(body, tiny);
  signature(body);
  return 0;
}
