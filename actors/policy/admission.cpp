#include "actors/policy/admission.hpp"

namespace cx {

admission decide_admission(int active, int queued, int max_active, int max_queued) {
  if (active < max_active && queued == 0) return admission::run;
  if (queued < max_queued) return admission::queue;
  return admission::reject;
}

}  // namespace cx
