#include "actors/policy/judge0_limits.hpp"

#include <algorithm>
#include <cmath>

namespace cx {
namespace {

constexpr double kMinCpu = 0.1;   // Judge0 rejects 0
constexpr double kMinWall = 1.0;  // contract: wall >= 1
constexpr std::int64_t kMinMemoryKb = 2048;

double clamp_cpu(double v, const judge0_clamps& c) {
  if (!std::isfinite(v) || v <= 0) v = kMinCpu;
  return std::clamp(v, kMinCpu, static_cast<double>(c.max_cpu_seconds));
}

double clamp_wall(double v, const judge0_clamps& c) {
  if (!std::isfinite(v)) v = kMinWall;
  return std::clamp(v, kMinWall, static_cast<double>(c.max_wall_seconds));
}

std::int64_t clamp_memory(double mb, const judge0_clamps& c) {
  double kb = std::isfinite(mb) ? mb * 1024.0 : 0.0;
  auto v = static_cast<std::int64_t>(std::llround(std::clamp(kb, 0.0, 1e12)));
  return std::clamp<std::int64_t>(v, kMinMemoryKb, c.max_memory_kb);
}

}  // namespace

judge0_limits clamp_limits(double time_limit_seconds, double memory_limit_mb, const judge0_clamps& clamps) {
  judge0_limits out;
  out.cpu_seconds = clamp_cpu(time_limit_seconds, clamps);
  out.wall_seconds = clamp_wall(2.0 * *out.cpu_seconds, clamps);
  out.memory_kb = clamp_memory(memory_limit_mb, clamps);
  return out;
}

judge0_limits clamp_inline_limits(std::optional<double> cpu, std::optional<double> memory_mb,
                                  std::optional<double> wall, const judge0_clamps& clamps) {
  judge0_limits out;
  if (cpu) out.cpu_seconds = clamp_cpu(*cpu, clamps);
  if (wall) out.wall_seconds = clamp_wall(*wall, clamps);
  if (memory_mb) out.memory_kb = clamp_memory(*memory_mb, clamps);
  return out;
}

}  // namespace cx
