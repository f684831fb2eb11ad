// JSON-lines logging to stdout. Fields are sizes, ids, counts and durations only:
// callers never pass source code, stdin, outputs or secrets. As a backstop, the userinfo of any
// URL in a message or string field is masked.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace cx::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3 };

using field_value = std::variant<std::string_view, std::int64_t, double, bool>;
struct field {
  std::string_view key;
  field_value value;
  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  field(std::string_view k, long long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  field(std::string_view k, unsigned long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  field(std::string_view k, double v) : key(k), value(v) {}
  field(std::string_view k, bool v) : key(k), value(v) {}
};

void set_level(std::string_view name);
bool enabled(level l);
void write(level l, std::string_view msg, std::initializer_list<field> fields = {});
// Appends a pre-serialised JSON object's members (used once, for the start-up config line).
void write_raw(level l, std::string_view msg, std::string_view key, std::string_view json);
void flush();

// "scheme://user:password@host/..." -> "scheme://***@host/...", for every URL in `text`.
std::string mask_url_userinfo(std::string_view text);

inline void debug(std::string_view m, std::initializer_list<field> f = {}) { write(level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<field> f = {}) { write(level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { write(level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<field> f = {}) { write(level::error, m, f); }

}  // namespace cx::log
