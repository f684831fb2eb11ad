// Judge0's answers: the poll answer (JSON + base64 of stdout/stderr/compile_output/message),
// the submit answer's token and the error text of 4xx/5xx bodies, then what the service makes
// of a parsed answer (verdict, Convex result body, inline result body).
//
// Besides the raw input, a synthetic poll answer carries the input as base64 wrapped at 60
// columns (as Judge0 sends it) in every base64 field: it must decode to the input with invalid
// UTF-8 replaced.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/policy/verdict.hpp"
#include "fuzz_check.hpp"
#include "messages/base64.hpp"
#include "messages/utf8.hpp"
#include "messages/wire_json.hpp"

namespace {

using namespace cx;

bool valid_utf8(const std::optional<std::string>& s) { return !s || to_valid_utf8(*s) == *s; }

// What submission.cpp and inline_judge.cpp do with an outcome.
void use_outcome(const judge0_outcome& o) {
  if (!o.failure) {
    FUZZ_CHECK(valid_utf8(o.stdout_text) && valid_utf8(o.stderr_text));
    FUZZ_CHECK(valid_utf8(o.compile_output) && valid_utf8(o.message));
  }
  (void)judge0_status_name(o.status_id);
  (void)is_terminal_status(o.status_id);
  testcase tc{"t1", false, "1 2\n", "3\n", "sum"};
  testcase hidden{"t2", true, "secret\n", "42\n", ""};
  for (const auto* t : {&tc, &hidden}) {
    auto v = classify_verdict(o, *t, output_comparison{});
    if (v.kind == verdict_kind::passed) continue;
    for (bool reveal : {false, true}) {
      submission_result r;
      r.submission_id = "s1";
      r.status = v.kind == verdict_kind::failed ? result_status::failed : result_status::error;
      r.total_count = 2;
      r.first_failure_index = 0;
      describe_failure(v, *t, reveal, r);
      FUZZ_CHECK(fuzz::is_json(submission_result_body(r)));
      if (t->hidden && !reveal) FUZZ_CHECK(!r.failure->stdin_text && !r.failure->expected_output);
    }
  }
  inline_testcase itc{"1 2\n", "3\n", std::nullopt};
  inline_failure f{0, &itc, &o};
  FUZZ_CHECK(fuzz::is_json(inline_result_body(inline_summary{false, 0, 1, 5}, &f)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = fuzz::as_view(data, size);

  auto outcome = parse_judge0_submission(body);
  use_outcome(outcome);

  if (auto token = parse_judge0_token(body)) FUZZ_CHECK(!token->empty());
  auto text = judge0_error_text(body);
  FUZZ_CHECK(fuzz::is_json(boost::json::serialize(boost::json::value(text))));

  // The input as program output, the way Judge0 returns it.
  auto b64 = base64_encode_lines(body);
  boost::json::object answer{{"stdout", b64},   {"stderr", b64},   {"compile_output", b64}, {"message", b64},
                             {"time", "0.012"}, {"memory", 3412}, {"exit_code", 0},
                             {"status", boost::json::object{{"id", 4}, {"description", "Wrong Answer"}}}};
  auto synthetic = parse_judge0_submission(boost::json::serialize(answer));
  FUZZ_CHECK(!synthetic.failure);
  const auto expected = to_valid_utf8(body);
  FUZZ_CHECK(synthetic.status_id == 4 && synthetic.stdout_text == expected && synthetic.stderr_text == expected);
  FUZZ_CHECK(synthetic.compile_output == expected && synthetic.message == expected);
  FUZZ_CHECK(to_valid_utf8(expected) == expected);
  use_outcome(synthetic);
  return 0;
}
