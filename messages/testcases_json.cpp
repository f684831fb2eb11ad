// Convex's testcases answer: required fields checked, extra fields ignored, order kept.
#include <boost/json.hpp>

#include "messages/json_fields.hpp"
#include "messages/wire_json.hpp"

namespace cx {

std::variant<question_set, std::string> parse_question_set(std::string_view body, const request_caps& caps) {
  using namespace json_fields;
  const std::string invalid = "invalid testcases response from Convex";
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return invalid;
  const auto& root = v.as_object();
  auto* q = get(root, "question");
  auto* tcs = get(root, "testCases");
  if (!q || !q->is_object() || !tcs || !tcs->is_array()) return invalid;
  const auto& qo = q->as_object();
  question_set out;
  out.question.id = string(get(qo, "_id")).value_or("");
  auto tl = number(get(qo, "timeLimitSeconds"));
  auto ml = number(get(qo, "memoryLimitMb"));
  auto* cmp = get(qo, "outputComparison");
  if (!tl || !ml || !cmp || !cmp->is_object()) return invalid;
  out.question.time_limit_seconds = *tl;
  out.question.memory_limit_mb = *ml;
  const auto& co = cmp->as_object();
  auto* trim = get(co, "trimOutputs");
  auto* norm = get(co, "normalizeWhitespace");
  auto* cs = get(co, "caseSensitive");
  if (!trim || !trim->is_bool() || !norm || !norm->is_bool() || !cs || !cs->is_bool()) return invalid;
  out.question.comparison = {trim->as_bool(), norm->as_bool(), cs->as_bool()};
  const auto& arr = tcs->as_array();
  if (arr.empty()) return std::string("question has no testcases");
  if (arr.size() > static_cast<std::size_t>(caps.max_testcases))
    return "question has " + std::to_string(arr.size()) + " testcases, more than MAX_TESTCASES (" +
           std::to_string(caps.max_testcases) + ")";
  out.testcases.reserve(arr.size());
  for (const auto& item : arr) {
    if (!item.is_object()) return invalid;
    const auto& t = item.as_object();
    auto in = string(get(t, "stdin"));
    auto expected = string(get(t, "expectedStdout"));
    auto vis = string(get(t, "visibility"));
    if (!in || !expected || !vis || (*vis != "public" && *vis != "hidden")) return invalid;
    if (in->size() > caps.max_stdin_bytes)
      return "testcase stdin exceeds MAX_STDIN_BYTES (" + std::to_string(caps.max_stdin_bytes) + ")";
    testcase tc;
    tc.id = string(get(t, "_id")).value_or("");
    tc.hidden = *vis == "hidden";
    tc.stdin_text = std::move(*in);
    tc.expected_stdout = std::move(*expected);
    tc.name = string(get(t, "name")).value_or("");
    out.testcases.push_back(std::move(tc));
  }
  return out;
}

}  // namespace cx
