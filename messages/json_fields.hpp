// Small typed accessors over Boost.JSON used by the wire parsers.
#pragma once

#include <boost/json.hpp>

#include <cmath>
#include <optional>
#include <string>

namespace cx::json_fields {

inline const boost::json::value* get(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

inline std::optional<double> number(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return std::nullopt;
}

// A JSON number with an integral value.
inline std::optional<std::int64_t> integer(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) {
    if (v->as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double()) {
    double d = v->as_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

inline std::optional<std::string> string(const boost::json::value* v) {
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

inline const char* type_name(const boost::json::value* v) {
  if (!v) return "undefined";
  switch (v->kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "unknown";
}

}  // namespace cx::json_fields
