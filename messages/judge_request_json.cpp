// Validation of the two judge routes' bodies, with issues in the style of the old service.
#include <boost/json.hpp>

#include <set>

#include "messages/id_rules.hpp"
#include "messages/json_fields.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using namespace json_fields;
namespace json = boost::json;

class validator {
 public:
  void issue(std::string path, std::string message) { issues.push_back({std::move(path), std::move(message)}); }

  void expected(const std::string& path, const char* want, const json::value* v) {
    if (!v) issue(path, "Required");
    else issue(path, std::string("Expected ") + want + ", received " + type_name(v));
  }

  void unknown_keys(const json::object& o, std::initializer_list<std::string_view> allowed, const std::string& prefix) {
    std::set<std::string_view> ok(allowed);
    std::string bad;
    for (const auto& kv : o) {
      if (ok.count(kv.key()) == 0) {
        if (!bad.empty()) bad += ", ";
        bad += "'" + std::string(kv.key()) + "'";
      }
    }
    if (!bad.empty()) issue(prefix, "Unrecognized key(s) in object: " + bad);
  }

  std::string str(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = get(o, key);
    auto s = string(v);
    if (!s) {
      expected(path, "string", v);
      return {};
    }
    return *s;
  }

  // An id that travels in headers (Idempotency-Key): header-safe and bounded.
  std::string id(const json::object& o, std::string_view key) {
    std::string path(key);
    auto* v = get(o, key);
    auto s = string(v);
    if (!s) {
      expected(path, "string", v);
      return {};
    }
    if (auto problem = id_problem(*s)) issue(path, *problem);
    return *s;
  }

  std::int64_t language_id(const json::object& o) {
    auto* v = get(o, "languageId");
    if (!v || !(v->is_number())) {
      expected("languageId", "number", v);
      return 0;
    }
    auto i = integer(v);
    if (!i) {
      issue("languageId", "Expected integer, received float");
      return 0;
    }
    if (*i <= 0) issue("languageId", "Number must be greater than 0");
    return *i;
  }

  std::optional<bool> opt_bool(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = get(o, key);
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      expected(path, "boolean", v);
      return std::nullopt;
    }
    return v->as_bool();
  }

  std::optional<double> opt_positive(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = get(o, key);
    if (!v) return std::nullopt;
    auto n = number(v);
    if (!n) {
      expected(path, "number", v);
      return std::nullopt;
    }
    if (!(*n > 0)) issue(path, "Number must be greater than 0");
    return n;
  }

  std::vector<validation_issue> issues;
};

std::optional<json::object> parse_object(std::string_view body, request_error& err) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  auto v = json::parse(body, ec, {}, opts);
  if (ec) {
    err.message = "Malformed JSON body";
    return std::nullopt;
  }
  if (!v.is_object()) {
    err.issues.push_back({"", std::string("Expected object, received ") + type_name(&v)});
    return std::nullopt;
  }
  return std::move(v.as_object());
}

bool source_too_large(const std::string& source, const request_caps& caps, request_error& err) {
  if (source.size() <= caps.max_source_bytes) return false;
  err.message = "sourceCode exceeds MAX_SOURCE_BYTES";
  err.details_json = json::serialize(json::object{{"maxBytes", caps.max_source_bytes}});
  return true;
}

}  // namespace

std::variant<judge_request, request_error> parse_judge_request(std::string_view body, const request_caps& caps) {
  request_error err;
  auto obj = parse_object(body, err);
  if (!obj) return err;
  // Echoed back only while it is small: an oversized id is not reflected.
  if (auto sid = string(get(*obj, "submissionId")); sid && sid->size() <= kMaxIdBytes) err.submission_id = *sid;
  validator v;
  v.unknown_keys(*obj, {"questionId", "submissionId", "languageId", "sourceCode", "submissionKind"}, "");
  judge_request r;
  r.question_id = v.id(*obj, "questionId");
  r.submission_id = v.id(*obj, "submissionId");
  r.language_id = v.language_id(*obj);
  r.source_code = v.str(*obj, "sourceCode", "sourceCode");
  if (auto* kind = get(*obj, "submissionKind")) {
    auto k = string(kind);
    if (k && *k == "standard") r.kind = submission_kind::standard;
    else if (k && *k == "personalized") r.kind = submission_kind::personalized;
    else v.issue("submissionKind", "Invalid enum value. Expected 'standard' | 'personalized'");
  }
  if (!v.issues.empty()) {
    err.issues = std::move(v.issues);
    return err;
  }
  if (source_too_large(r.source_code, caps, err)) return err;
  return r;
}

std::string judge_request_body(const judge_request& r) {
  return json::serialize(json::object{{"questionId", r.question_id},
                                      {"submissionId", r.submission_id},
                                      {"languageId", r.language_id},
                                      {"sourceCode", r.source_code},
                                      {"submissionKind", r.kind == submission_kind::personalized ? "personalized" : "standard"}});
}

std::variant<inline_judge_request, request_error> parse_inline_judge_request(std::string_view body,
                                                                            const request_caps& caps) {
  request_error err;
  auto obj = parse_object(body, err);
  if (!obj) return err;
  validator v;
  v.unknown_keys(*obj, {"languageId", "sourceCode", "testCases", "limits", "outputComparison"}, "");
  inline_judge_request r;
  r.language_id = v.language_id(*obj);
  r.source_code = v.str(*obj, "sourceCode", "sourceCode");
  auto* tcs = get(*obj, "testCases");
  if (!tcs || !tcs->is_array()) {
    v.expected("testCases", "array", tcs);
  } else if (tcs->as_array().empty()) {
    v.issue("testCases", "Array must contain at least 1 element(s)");
  } else if (tcs->as_array().size() > static_cast<std::size_t>(caps.max_testcases)) {
    v.issue("testCases", "Array must contain at most " + std::to_string(caps.max_testcases) + " element(s)");
  } else {
    std::size_t i = 0;
    for (const auto& item : tcs->as_array()) {
      auto path = "testCases." + std::to_string(i++);
      if (!item.is_object()) {
        v.expected(path, "object", &item);
        continue;
      }
      const auto& t = item.as_object();
      v.unknown_keys(t, {"stdin", "expectedStdout", "name"}, path);
      inline_testcase tc;
      tc.stdin_text = v.str(t, "stdin", path + ".stdin");
      tc.expected_stdout = v.str(t, "expectedStdout", path + ".expectedStdout");
      if (auto* n = get(t, "name")) {
        if (auto s = string(n)) tc.name = *s;
        else v.expected(path + ".name", "string", n);
      }
      if (tc.stdin_text.size() > caps.max_stdin_bytes)
        v.issue(path + ".stdin", "stdin exceeds MAX_STDIN_BYTES (" + std::to_string(caps.max_stdin_bytes) + ")");
      r.testcases.push_back(std::move(tc));
    }
  }
  if (auto* lim = get(*obj, "limits")) {
    if (!lim->is_object()) {
      v.expected("limits", "object", lim);
    } else {
      const auto& l = lim->as_object();
      v.unknown_keys(l, {"cpuTimeSeconds", "memoryMb", "wallTimeSeconds"}, "limits");
      r.cpu_seconds = v.opt_positive(l, "cpuTimeSeconds", "limits.cpuTimeSeconds");
      r.memory_mb = v.opt_positive(l, "memoryMb", "limits.memoryMb");
      r.wall_seconds = v.opt_positive(l, "wallTimeSeconds", "limits.wallTimeSeconds");
    }
  }
  if (auto* cmp = get(*obj, "outputComparison")) {
    if (!cmp->is_object()) {
      v.expected("outputComparison", "object", cmp);
    } else {
      const auto& c = cmp->as_object();
      v.unknown_keys(c, {"trimOutputs", "normalizeWhitespace", "caseSensitive"}, "outputComparison");
      if (auto b = v.opt_bool(c, "trimOutputs", "outputComparison.trimOutputs")) r.comparison.trim_outputs = *b;
      if (auto b = v.opt_bool(c, "normalizeWhitespace", "outputComparison.normalizeWhitespace"))
        r.comparison.normalize_whitespace = *b;
      if (auto b = v.opt_bool(c, "caseSensitive", "outputComparison.caseSensitive")) r.comparison.case_sensitive = *b;
    }
  }
  if (!v.issues.empty()) {
    err.issues = std::move(v.issues);
    return err;
  }
  if (source_too_large(r.source_code, caps, err)) return err;
  return r;
}

}  // namespace cx
