// Turn a question's limits into limits Judge0 accepts, instead of letting it answer 422.
#pragma once

#include "messages/judging.hpp"

namespace cx {

struct judge0_clamps {
  int max_cpu_seconds = 15;
  int max_wall_seconds = 20;
  int max_memory_kb = 512000;
};

// cpu = timeLimitSeconds, wall = 2 x cpu, memory = memoryLimitMb x 1024, each clamped.
judge0_limits clamp_limits(double time_limit_seconds, double memory_limit_mb, const judge0_clamps& clamps);
// Inline /v1/judge limits: only those given are sent, clamped the same way.
judge0_limits clamp_inline_limits(std::optional<double> cpu, std::optional<double> memory_mb,
                                  std::optional<double> wall, const judge0_clamps& clamps);

}  // namespace cx
