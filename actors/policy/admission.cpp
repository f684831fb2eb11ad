#include "actors/policy/admission.hpp"

namespace cx {

admission decide_admission(const admission_load& load, const admission_limits& limits, std::size_t request_bytes) {
  if (load.active < limits.max_active && load.queued == 0) return admission::run;
  if (load.queued < limits.max_queued && load.queued_bytes + request_bytes <= limits.max_queued_bytes)
    return admission::queue;
  return admission::reject;
}

}  // namespace cx
