#include "actors/telemetry/log.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <type_traits>

namespace cx::log {
namespace {

std::atomic<int> g_level{static_cast<int>(level::info)};
std::mutex g_mutex;

const char* level_name(level l) {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void emit(const boost::json::object& o) {
  auto line = boost::json::serialize(o);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

std::string mask_url_userinfo(std::string_view text) {
  std::string out;
  std::size_t done = 0;
  for (auto scheme = text.find("://"); scheme != std::string_view::npos; scheme = text.find("://", scheme + 3)) {
    auto start = scheme + 3;
    auto end = text.find_first_of("/?#\" \t\r\n", start);
    auto authority = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    out.append(text.substr(done, start - done)).append("***");
    done = start + at;
  }
  if (done == 0) return std::string(text);
  out.append(text.substr(done));
  return out;
}

void set_level(std::string_view name) {
  level l = level::info;
  if (name == "debug") l = level::debug;
  else if (name == "warn") l = level::warn;
  else if (name == "error") l = level::error;
  g_level = static_cast<int>(l);
}

bool enabled(level l) { return static_cast<int>(l) >= g_level.load(std::memory_order_relaxed); }

void write(level l, std::string_view msg, std::initializer_list<field> fields) {
  if (!enabled(l)) return;
  boost::json::object o;
  o["ts"] = timestamp();
  o["level"] = level_name(l);
  o["msg"] = mask_url_userinfo(msg);
  for (const auto& f : fields) {
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>) o[f.key] = mask_url_userinfo(v);
          else o[f.key] = v;
        },
        f.value);
  }
  emit(o);
}

void write_raw(level l, std::string_view msg, std::string_view key, std::string_view json) {
  if (!enabled(l)) return;
  boost::json::object o;
  o["ts"] = timestamp();
  o["level"] = level_name(l);
  o["msg"] = msg;
  o[key] = boost::json::parse(json);
  emit(o);
}

void flush() {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fflush(stdout);
}

}  // namespace cx::log
