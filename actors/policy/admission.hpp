// Admission control for one instance: run now, wait in the queue, or refuse. Queued work is
// bounded by count and by the bytes it holds (source code and inline testcases).
#pragma once

#include <cstddef>

namespace cx {

enum class admission { run, queue, reject };

struct admission_load {
  int active = 0;
  int queued = 0;
  std::size_t queued_bytes = 0;
};

struct admission_limits {
  int max_active = 64;
  int max_queued = 1024;
  std::size_t max_queued_bytes = 64u << 20;
};

admission decide_admission(const admission_load& load, const admission_limits& limits, std::size_t request_bytes);

}  // namespace cx
