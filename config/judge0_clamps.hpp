// The deployment's JUDGE0_MAX_* limits as the clamping policy takes them. It lives with the
// config, which ranks above actors/policy/, so that the policy itself depends on messages/ only.
#pragma once

#include "actors/policy/judge0_limits.hpp"
#include "config/config.hpp"

namespace cx {

inline judge0_clamps clamps_from(const config& c) {
  return {c.judge0_max_cpu_time_limit, c.judge0_max_wall_time_limit, c.judge0_max_memory_limit_kb};
}

}  // namespace cx
