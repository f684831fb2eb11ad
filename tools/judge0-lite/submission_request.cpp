#include "submission_request.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base64.hpp"
#include "messages/url.hpp"

namespace judge0_lite {

namespace json = boost::json;

void field_errors::add(std::string_view field, std::string message) {
  for (auto& [name, messages] : entries_) {
    if (name == field) {
      messages.push_back(std::move(message));
      return;
    }
  }
  entries_.emplace_back(std::string(field), std::vector<std::string>{std::move(message)});
}

const std::vector<std::string>* field_errors::find(std::string_view field) const {
  for (const auto& [name, messages] : entries_) {
    if (name == field) return &messages;
  }
  return nullptr;
}

std::string field_errors::to_json() const {
  json::object o;
  for (const auto& [name, messages] : entries_) {
    json::array a;
    for (const auto& m : messages) a.emplace_back(json::string(m));
    o[name] = std::move(a);
  }
  return json::serialize(o);
}

json::object merge_params(const param_list& query, const json::object* body) {
  json::object merged;
  for (const auto& [k, v] : query) merged[k] = json::string(v);
  if (body != nullptr) {
    for (const auto& kv : *body) merged[kv.key()] = kv.value();
  }
  return merged;
}

bool param_is_true(const json::object& params, std::string_view name) {
  auto it = params.find(name);
  return it != params.end() && it->value().is_string() && it->value().get_string() == "true";
}

namespace {

bool blank(std::string_view s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v)) + ".0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// A permitted scalar as Rails would cast it to a string column; objects and arrays are dropped
// by strong parameters, null is absent.
std::optional<std::string> string_param(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  const json::value& v = it->value();
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return number_text(v.get_double());
    case json::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
    default: return std::nullopt;
  }
}

enum class number_state { absent, valid, not_a_number };

struct number_param {
  number_state state = number_state::absent;
  double value = 0;
};

number_param parse_number_text(std::string_view text) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  if (s.empty()) return {};
  for (char c : s) {
    // Rails rejects hexadecimal literals; strtod would also accept "inf" and "nan".
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return {number_state::not_a_number, 0};
    }
  }
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return {number_state::not_a_number, 0};
  return {number_state::valid, v};
}

number_param number_param_of(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return {};
  const json::value& v = it->value();
  switch (v.kind()) {
    case json::kind::null: return {};
    case json::kind::int64: return {number_state::valid, static_cast<double>(v.get_int64())};
    case json::kind::uint64: return {number_state::valid, static_cast<double>(v.get_uint64())};
    case json::kind::double_: return {number_state::valid, v.get_double()};
    case json::kind::string: return parse_number_text(v.get_string());
    case json::kind::bool_: return {number_state::not_a_number, 0};
    default: return {};
  }
}

std::optional<bool> bool_param(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::nullopt;
  const json::value& v = it->value();
  switch (v.kind()) {
    case json::kind::bool_: return v.get_bool();
    case json::kind::int64: return v.get_int64() != 0;
    case json::kind::uint64: return v.get_uint64() != 0;
    case json::kind::double_: return v.get_double() != 0;
    case json::kind::string: {
      std::string s(v.get_string());
      if (s.empty()) return std::nullopt;
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return !(s == "false" || s == "0" || s == "f" || s == "off");  // Rails 5 BooleanType
    }
    default: return std::nullopt;
  }
}

std::string limit_text(double v, bool as_float) {
  if (as_float) return number_text(v);
  return std::to_string(static_cast<long long>(v));
}

struct bound {
  double value;
  bool inclusive;
  bool as_float;  // Ruby prints a Float maximum as "15.0", an Integer as "512000"
};

// Numericality as Rails validates it. Returns the value to store (the default when absent).
double validated_number(const json::object& p, std::string_view key, double fallback, bound low, bound high,
                        field_errors& errors) {
  number_param n = number_param_of(p, key);
  if (n.state == number_state::absent) return fallback;
  if (n.state == number_state::not_a_number) {
    errors.add(key, "is not a number");
    return fallback;
  }
  if (low.inclusive ? n.value < low.value : n.value <= low.value) {
    errors.add(key, std::string(low.inclusive ? "must be greater than or equal to " : "must be greater than ") +
                        limit_text(low.value, low.as_float));
  } else if (high.inclusive ? n.value > high.value : n.value >= high.value) {
    errors.add(key, std::string(high.inclusive ? "must be less than or equal to " : "must be less than ") +
                        limit_text(high.value, high.as_float));
  }
  return n.value;
}

std::optional<std::string> text_param(const json::object& p, std::string_view key, bool base64_encoded) {
  auto s = string_param(p, key);
  if (s && base64_encoded) return decode64(*s);
  return s;
}

}  // namespace

submission_request build_submission(const json::object& p, bool base64_encoded, const language_table& languages) {
  submission_request out;
  field_errors& errors = out.errors;
  submission s;

  auto source = text_param(p, "source_code", base64_encoded);
  if (!source || blank(*source)) errors.add("source_code", "can't be blank");
  s.source_code = source.value_or("");

  number_param lang_id = number_param_of(p, "language_id");
  std::string lang_id_text;
  if (lang_id.state == number_state::absent) {
    errors.add("language_id", "can't be blank");
  } else {
    s.language_id = lang_id.state == number_state::valid ? static_cast<int>(std::trunc(lang_id.value)) : 0;
    lang_id_text = std::to_string(s.language_id);
  }

  s.stdin_text = text_param(p, "stdin", base64_encoded);
  s.expected_output = text_param(p, "expected_output", base64_encoded);
  s.compiler_options = string_param(p, "compiler_options");
  s.command_line_arguments = string_param(p, "command_line_arguments");
  if (s.compiler_options && utf8_length(*s.compiler_options) > 512) {
    errors.add("compiler_options", "is too long (maximum is 512 characters)");
  }
  if (s.command_line_arguments && utf8_length(*s.command_line_arguments) > 512) {
    errors.add("command_line_arguments", "is too long (maximum is 512 characters)");
  }

  s.number_of_runs = static_cast<int>(validated_number(p, "number_of_runs", defaults::number_of_runs, {0, false, false},
                                                       {maxima::number_of_runs, true, false}, errors));
  s.cpu_time_limit = validated_number(p, "cpu_time_limit", defaults::cpu_time_limit, {0, true, false},
                                      {maxima::cpu_time_limit, true, true}, errors);
  s.cpu_extra_time = validated_number(p, "cpu_extra_time", defaults::cpu_extra_time, {0, true, false},
                                      {maxima::cpu_extra_time, true, true}, errors);
  s.wall_time_limit = validated_number(p, "wall_time_limit", defaults::wall_time_limit, {1, true, false},
                                       {maxima::wall_time_limit, true, true}, errors);
  s.memory_limit = static_cast<std::int64_t>(
      validated_number(p, "memory_limit", static_cast<double>(defaults::memory_limit), {2048, true, false},
                       {static_cast<double>(maxima::memory_limit), true, false}, errors));
  s.stack_limit = static_cast<std::int64_t>(
      validated_number(p, "stack_limit", static_cast<double>(defaults::stack_limit), {0, true, false},
                       {static_cast<double>(maxima::stack_limit), true, false}, errors));
  s.max_processes_and_or_threads = static_cast<int>(validated_number(
      p, "max_processes_and_or_threads", defaults::max_processes_and_or_threads, {0, false, false},
      {maxima::max_processes_and_or_threads, true, false}, errors));
  s.max_file_size = static_cast<std::int64_t>(
      validated_number(p, "max_file_size", static_cast<double>(defaults::max_file_size), {0, true, false},
                       {static_cast<double>(maxima::max_file_size), true, false}, errors));

  s.enable_per_process_and_thread_time_limit =
      bool_param(p, "enable_per_process_and_thread_time_limit").value_or(false);
  s.enable_per_process_and_thread_memory_limit =
      bool_param(p, "enable_per_process_and_thread_memory_limit").value_or(false);
  s.redirect_stderr_to_stdout = bool_param(p, "redirect_stderr_to_stdout").value_or(false);
  s.enable_network = bool_param(p, "enable_network").value_or(false);

  const language* lang = nullptr;
  if (lang_id.state == number_state::absent) {
    errors.add("language_id", "language with id  doesn't exist");
  } else {
    lang = languages.find(s.language_id);
    if (lang == nullptr) errors.add("language_id", "language with id " + lang_id_text + " doesn't exist");
  }
  if (lang != nullptr && s.compiler_options && !blank(*s.compiler_options) && !lang->compiled()) {
    errors.add("compiler_options", "setting compiler options is only allowed for compiled languages");
  }
  // Judge0 stores any string and fails at delivery time, silently; judge0-lite refuses at once
  // what it could never deliver (it has no https client for callbacks).
  if (auto cb = string_param(p, "callback_url"); cb && !blank(*cb)) {
    auto url = cx::parse_url(*cb);
    if (!url || url->tls) {
      errors.add("callback_url", "must be an http:// URL");
    } else {
      s.callback_url = std::move(cb);
    }
  }
  // judge0-lite is configured like a Judge0 with additional files disabled.
  if (auto files = string_param(p, "additional_files"); files && !blank(*files)) {
    errors.add("additional_files", "setting additional files is not allowed");
  }

  if (errors.empty()) out.accepted = std::move(s);
  return out;
}

}  // namespace judge0_lite
