// Command line of judge0-lite.
#pragma once

#include <cstddef>
#include <cstdint>
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
  bool help = false;
};

struct parsed_options {
  std::optional<options> value;
  std::string error;  // set when value is empty
};

parsed_options parse_options(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace judge0_lite
