// Command line of judge0-lite.
#pragma once

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace judge0_lite {

struct options {
  std::uint16_t port = 2358;
  int workers = 0;  // 0: one per CPU core
  std::vector<std::string> auth_tokens;
  std::size_t max_queue = 100;
  std::size_t max_stored = 10000;
  std::string work_dir = "/tmp";
  std::string search_path;  // empty: default_search_path
  std::optional<uid_t> uid_base;
  // Judge0's SUBMISSION_CACHE_DURATION, CALLBACKS_MAX_TRIES and CALLBACKS_TIMEOUT.
  std::chrono::milliseconds submission_cache_duration{1000};  // 0: GET is never cached
  int callbacks_max_tries = 3;
  std::chrono::milliseconds callbacks_timeout{5000};
  bool help = false;
};

struct parsed_options {
  std::optional<options> value;
  std::string error;  // set when value is empty
};

// Looks up an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

// The Judge0 variables SUBMISSION_CACHE_DURATION, CALLBACKS_MAX_TRIES and CALLBACKS_TIMEOUT are
// read through `env` and give defaults that the matching flags override.
parsed_options parse_options(const std::vector<std::string>& args, const env_lookup& env = {});
std::string usage_text();

}  // namespace judge0_lite
