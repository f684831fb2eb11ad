#include "options.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

namespace judge0_lite {
namespace {

template <class T>
bool parse_unsigned(const std::string& text, T max, T& out) {
  unsigned long long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v > static_cast<unsigned long long>(max)) return false;
  out = static_cast<T>(v);
  return true;
}

// Judge0 reads these durations as (fractional) seconds: "1", "0.5".
bool parse_seconds(const std::string& text, double min, double max, std::chrono::milliseconds& out) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v) || v < min || v > max) return false;
  out = std::chrono::milliseconds(std::llround(v * 1000));
  return true;
}

// The Judge0 variables, each the default of the flag named beside it.
constexpr std::pair<const char*, const char*> judge0_variables[] = {
    {"SUBMISSION_CACHE_DURATION", "--submission-cache-duration"},
    {"CALLBACKS_MAX_TRIES", "--callbacks-max-tries"},
    {"CALLBACKS_TIMEOUT", "--callbacks-timeout"},
};

}  // namespace

std::string usage_text() {
  return "usage: judge0-lite --port N [--workers K] [--auth-token T]... [--max-queue N]\n"
         "                   [--max-stored N] [--work-dir DIR] [--search-path P] [--uid-base UID]\n"
         "                   [--submission-cache-duration S] [--callbacks-max-tries N] [--callbacks-timeout S]\n"
         "\n"
         "A Judge0 CE 1.13.1-compatible runner for local development. It is NOT a sandbox:\n"
         "it binds 127.0.0.1 only and limits programs with rlimits, a process group, a wall clock\n"
         "and (as root) an unprivileged user.\n"
         "\n"
         "  --port N         port on 127.0.0.1 (0 picks a free one; it is printed on start)\n"
         "  --workers K      programs judged in parallel (default: CPU cores)\n"
         "  --auth-token T   require X-Auth-Token: T (repeatable; spaces separate several)\n"
         "  --max-queue N    waiting submissions before 503 queue is full (default 100)\n"
         "  --max-stored N   submissions kept in memory, oldest finished dropped (default 10000)\n"
         "  --work-dir DIR   where per-submission temporary directories go (default /tmp)\n"
         "  --search-path P  where toolchains are looked up (default /usr/local/bin:/usr/bin:/bin)\n"
         "  --uid-base UID   as root, worker i runs programs as UID+i instead of nobody\n"
         "  --submission-cache-duration S  seconds a GET /submissions/{token} answer is cached,\n"
         "                   as Judge0's Rails.cache (default 1; 0 disables; env SUBMISSION_CACHE_DURATION)\n"
         "  --callbacks-max-tries N  PUT attempts per callback_url (default 3; env CALLBACKS_MAX_TRIES)\n"
         "  --callbacks-timeout S    seconds per attempt (default 5; env CALLBACKS_TIMEOUT)\n";
}

parsed_options parse_options(const std::vector<std::string>& given, const env_lookup& env) {
  parsed_options out;
  options o;
  bool have_port = false;
  // Environment first, so that a flag given on the command line wins.
  std::vector<std::string> args;
  for (const auto& [variable, flag] : judge0_variables) {
    if (auto value = env ? env(variable) : std::nullopt; value && !value->empty()) {
      args.insert(args.end(), {flag, *value});
    }
  }
  args.insert(args.end(), given.begin(), given.end());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      out.error = a.rfind("--", 0) == 0 ? a + " needs a value" : "unexpected argument " + a;
      return out;
    }
    const std::string& v = args[++i];
    if (a == "--port") {
      if (!parse_unsigned<std::uint16_t>(v, 65535, o.port)) {
        out.error = "--port must be 0..65535";
        return out;
      }
      have_port = true;
    } else if (a == "--workers") {
      if (!parse_unsigned<int>(v, 256, o.workers) || o.workers < 1) {
        out.error = "--workers must be 1..256";
        return out;
      }
    } else if (a == "--auth-token") {
      std::istringstream words(v);
      std::string token;
      while (words >> token) o.auth_tokens.push_back(token);
    } else if (a == "--max-queue") {
      if (!parse_unsigned<std::size_t>(v, 1'000'000, o.max_queue)) {
        out.error = "--max-queue must be 0..1000000";
        return out;
      }
    } else if (a == "--max-stored") {
      if (!parse_unsigned<std::size_t>(v, 10'000'000, o.max_stored) || o.max_stored < 1) {
        out.error = "--max-stored must be 1..10000000";
        return out;
      }
    } else if (a == "--work-dir") {
      if (v.empty() || v.front() != '/') {
        out.error = "--work-dir must be an absolute path";
        return out;
      }
      o.work_dir = v;
    } else if (a == "--search-path") {
      o.search_path = v;
    } else if (a == "--uid-base") {
      uid_t uid = 0;
      if (!parse_unsigned<uid_t>(v, 4'000'000'000U, uid) || uid == 0) {
        out.error = "--uid-base must be a non-zero uid";
        return out;
      }
      o.uid_base = uid;
    } else if (a == "--submission-cache-duration") {
      if (!parse_seconds(v, 0, 3600, o.submission_cache_duration)) {
        out.error = "--submission-cache-duration (SUBMISSION_CACHE_DURATION) must be 0..3600 seconds";
        return out;
      }
    } else if (a == "--callbacks-max-tries") {
      if (!parse_unsigned<int>(v, 100, o.callbacks_max_tries) || o.callbacks_max_tries < 1) {
        out.error = "--callbacks-max-tries (CALLBACKS_MAX_TRIES) must be 1..100";
        return out;
      }
    } else if (a == "--callbacks-timeout") {
      if (!parse_seconds(v, 0.001, 600, o.callbacks_timeout) || o.callbacks_timeout.count() < 1) {
        out.error = "--callbacks-timeout (CALLBACKS_TIMEOUT) must be 0.001..600 seconds";
        return out;
      }
    } else {
      out.error = "unknown option " + a;
      return out;
    }
  }
  if (!have_port && !o.help) {
    out.error = "--port is required";
    return out;
  }
  out.value = std::move(o);
  return out;
}

}  // namespace judge0_lite
