// Admission control for one instance: run now, wait in the queue, or refuse.
#pragma once

namespace cx {

enum class admission { run, queue, reject };

admission decide_admission(int active, int queued, int max_active, int max_queued);

}  // namespace cx
