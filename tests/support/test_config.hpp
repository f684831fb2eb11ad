// The config of a deterministic actor test: its own variables over the ones every config needs
// (URLs that lead nowhere, one API key, logs for errors only).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>

#include "config/config.hpp"

namespace cx::testing {

inline std::shared_ptr<const config> test_config(std::map<std::string, std::string> env = {}) {
  env.insert({{"CONVEX_SITE_URL", "http://127.0.0.1:9"},
              {"JUDGE0_BASE_URL", "http://127.0.0.1:9"},
              {"CODE_EXEC_API_KEYS", "k"},
              {"LOG_LEVEL", "error"}});
  return std::make_shared<const config>(std::get<config>(parse_config_from_map(env)));
}

}  // namespace cx::testing
