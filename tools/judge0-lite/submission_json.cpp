#include "submission_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <cstdio>
#include <ctime>

#include "base64.hpp"
#include "verdict.hpp"

namespace judge0_lite {

namespace json = boost::json;

const std::vector<std::string_view>& all_submission_fields() {
  static const std::vector<std::string_view> fields = {
      "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at",
      "finished_at", "time", "memory", "stderr", "token", "number_of_runs", "cpu_time_limit",
      "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit", "max_processes_and_or_threads",
      "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
      "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time",
      "compiler_options", "command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
      "additional_files", "enable_network", "status", "language"};
  return fields;
}

namespace {

const std::vector<std::string_view> default_fields = {"token",  "time",           "memory",  "stdout",
                                                      "stderr", "compile_output", "message", "status"};

int field_index(std::string_view name) {
  const auto& all = all_submission_fields();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool has_high_bytes(const std::optional<std::string>& s) {
  if (!s) return false;
  for (char c : *s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace

field_selection select_fields(const std::optional<std::string>& fields_param) {
  field_selection sel;
  const auto& all = all_submission_fields();
  sel.wanted.assign(all.size(), false);
  std::vector<std::string> names;
  if (fields_param) {
    std::string_view rest(*fields_param);
    while (!rest.empty()) {
      auto comma = rest.find(',');
      names.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (names.empty()) {
    for (auto name : default_fields) sel.wanted[static_cast<std::size_t>(field_index(name))] = true;
    return sel;
  }
  bool star = false;
  for (const auto& name : names) {
    if (name == "*") {
      star = true;
      continue;
    }
    int i = field_index(name);
    if (i < 0) {
      sel.invalid.push_back(name);
    } else {
      sel.wanted[static_cast<std::size_t>(i)] = true;
    }
  }
  if (star) sel.wanted.assign(all.size(), true);
  return sel;
}

std::string invalid_fields_error(const field_selection& selection) {
  std::string list;
  for (const auto& name : selection.invalid) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  json::object o;
  o["error"] = "invalid fields: [" + list + "]";
  return json::serialize(o);
}

std::string decimal_text(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", value);
  std::string s(buf);
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

std::string iso8601(timestamp t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::optional<json::object> serialize_submission(const submission& s, const language_table& languages,
                                                 const field_selection& selection, bool base64_encoded) {
  const judge_result& r = s.result;
  const bool finished = s.status_id >= status::accepted;
  auto text = [&](const std::optional<std::string>& v) -> json::value {
    if (!v) return nullptr;
    return json::string(base64_encoded ? encode64(*v) : *v);
  };
  auto optional_int = [](const auto& v) -> json::value {
    if (!v) return nullptr;
    return static_cast<std::int64_t>(*v);
  };
  auto optional_decimal = [](const std::optional<double>& v) -> json::value {
    if (!v) return nullptr;
    return json::string(decimal_text(*v));
  };
  std::optional<std::string> source(s.source_code);
  std::optional<std::string> out_stdout, out_stderr, out_compile, out_message;
  if (finished) {
    out_stdout = r.stdout_text;
    out_stderr = r.stderr_text;
    out_compile = r.compile_output;
    out_message = r.message;
  }

  const auto& all = all_submission_fields();
  json::object o;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!selection.wanted[i]) continue;
    std::string_view f = all[i];
    const std::optional<std::string>* raw = nullptr;
    if (f == "source_code") raw = &source;
    else if (f == "stdin") raw = &s.stdin_text;
    else if (f == "expected_output") raw = &s.expected_output;
    else if (f == "stdout") raw = &out_stdout;
    else if (f == "stderr") raw = &out_stderr;
    else if (f == "compile_output") raw = &out_compile;
    else if (f == "message") raw = &out_message;
    if (raw != nullptr) {
      if (!base64_encoded && has_high_bytes(*raw)) return std::nullopt;
      o[f] = text(*raw);
      continue;
    }
    if (f == "language_id") o[f] = s.language_id;
    else if (f == "status_id") o[f] = s.status_id;
    else if (f == "created_at") o[f] = json::string(iso8601(s.created_at));
    else if (f == "finished_at") o[f] = s.finished_at ? json::value(json::string(iso8601(*s.finished_at))) : json::value(nullptr);
    else if (f == "time") o[f] = finished ? optional_decimal(r.time) : json::value(nullptr);
    else if (f == "memory") o[f] = finished ? optional_int(r.memory) : json::value(nullptr);
    else if (f == "token") o[f] = json::string(s.token);
    else if (f == "number_of_runs") o[f] = s.number_of_runs;
    else if (f == "cpu_time_limit") o[f] = json::string(decimal_text(s.cpu_time_limit));
    else if (f == "cpu_extra_time") o[f] = json::string(decimal_text(s.cpu_extra_time));
    else if (f == "wall_time_limit") o[f] = json::string(decimal_text(s.wall_time_limit));
    else if (f == "memory_limit") o[f] = s.memory_limit;
    else if (f == "stack_limit") o[f] = s.stack_limit;
    else if (f == "max_processes_and_or_threads") o[f] = s.max_processes_and_or_threads;
    else if (f == "enable_per_process_and_thread_time_limit") o[f] = s.enable_per_process_and_thread_time_limit;
    else if (f == "enable_per_process_and_thread_memory_limit") o[f] = s.enable_per_process_and_thread_memory_limit;
    else if (f == "max_file_size") o[f] = s.max_file_size;
    else if (f == "exit_code") o[f] = finished ? optional_int(r.exit_code) : json::value(nullptr);
    else if (f == "exit_signal") o[f] = finished ? optional_int(r.exit_signal) : json::value(nullptr);
    else if (f == "wall_time") o[f] = finished ? optional_decimal(r.wall_time) : json::value(nullptr);
    else if (f == "compiler_options") o[f] = s.compiler_options ? json::value(json::string(*s.compiler_options)) : json::value(nullptr);
    else if (f == "command_line_arguments") o[f] = s.command_line_arguments ? json::value(json::string(*s.command_line_arguments)) : json::value(nullptr);
    else if (f == "redirect_stderr_to_stdout") o[f] = s.redirect_stderr_to_stdout;
    else if (f == "callback_url") o[f] = s.callback_url ? json::value(json::string(*s.callback_url)) : json::value(nullptr);
    else if (f == "additional_files") o[f] = nullptr;
    else if (f == "enable_network") o[f] = s.enable_network;
    else if (f == "status") {
      o[f] = json::object{{"id", s.status_id}, {"description", json::string(status_description(s.status_id))}};
    } else if (f == "language") {
      const language* lang = languages.find(s.language_id);
      o[f] = json::object{{"id", s.language_id}, {"name", lang ? json::string(lang->name) : json::string()}};
    }
  }
  return o;
}

}  // namespace judge0_lite
