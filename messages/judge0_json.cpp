// Judge0 CE request and response bodies (base64 both ways).
#include <boost/json.hpp>

#include "messages/base64.hpp"
#include "messages/json_fields.hpp"
#include "messages/utf8.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

std::string crlf_to_lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

}  // namespace

std::string judge0_submit_body(const judge0_run& run, std::string_view callback_url) {
  boost::json::object o{
      {"source_code", base64_encode(crlf_to_lf(run.source_code))},
      {"stdin", base64_encode(crlf_to_lf(run.stdin_text))},
      {"language_id", run.language_id},
  };
  if (run.limits.cpu_seconds) o["cpu_time_limit"] = *run.limits.cpu_seconds;
  if (run.limits.wall_seconds) o["wall_time_limit"] = *run.limits.wall_seconds;
  if (run.limits.memory_kb) o["memory_limit"] = *run.limits.memory_kb;
  if (!callback_url.empty()) o["callback_url"] = callback_url;
  return boost::json::serialize(o);
}

std::optional<std::string> parse_judge0_token(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto t = json_fields::string(json_fields::get(v.as_object(), "token"));
  if (!t || t->empty()) return std::nullopt;
  return t;
}

judge0_outcome parse_judge0_submission(std::string_view body) {
  using namespace json_fields;
  judge0_outcome out;
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    out.failure = "Judge0 returned invalid JSON";
    return out;
  }
  const auto& o = v.as_object();
  auto* status = get(o, "status");
  std::optional<std::int64_t> id;
  if (status && status->is_object()) {
    id = integer(get(status->as_object(), "id"));
    out.status_description = string(get(status->as_object(), "description")).value_or("");
  }
  if (!id) id = integer(get(o, "status_id"));
  if (!id) {
    out.failure = "Judge0 response has no status";
    return out;
  }
  out.status_id = static_cast<int>(*id);
  auto decode = [&](std::string_view key, std::optional<std::string>& dest) {
    auto* f = get(o, key);
    if (!f || f->is_null()) return true;
    if (!f->is_string()) return false;
    auto d = base64_decode(f->as_string());
    if (!d) return false;
    dest = to_valid_utf8(*d);
    return true;
  };
  if (!decode("stdout", out.stdout_text) || !decode("stderr", out.stderr_text) ||
      !decode("compile_output", out.compile_output) || !decode("message", out.message)) {
    out.failure = "Judge0 returned invalid base64";
    return out;
  }
  if (auto* t = get(o, "time")) {
    if (t->is_string()) out.time = std::string(t->as_string());
    else if (auto n = number(t)) out.time = std::to_string(*n);
  }
  out.memory = integer(get(o, "memory"));
  out.exit_code = integer(get(o, "exit_code"));
  return out;
}

std::string judge0_error_text(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.as_object();
  if (auto e = json_fields::string(json_fields::get(o, "error"))) return *e;
  std::string out;
  for (const auto& kv : o) {
    if (!kv.value().is_array()) continue;
    for (const auto& m : kv.value().as_array()) {
      if (!m.is_string()) continue;
      if (!out.empty()) out += "; ";
      out += std::string(kv.key()) + " " + std::string(m.as_string());
    }
  }
  return out;
}

}  // namespace cx
