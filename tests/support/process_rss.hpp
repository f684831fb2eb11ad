// Resident memory of a process, from /proc/<pid>/status.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace cx::testing {

// VmRSS in KiB; 0 when the process or the line is gone.
std::int64_t vm_rss_kib(pid_t pid);

}  // namespace cx::testing
