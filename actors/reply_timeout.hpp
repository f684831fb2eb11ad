// Timeout for a request to one of our own actors whose answer waits on an outbound call with
// timeout `t`: the callee's own deadline fires first, so this only catches a callee that died
// while holding the request (CAF 0.17 has no broken_promise).
#pragma once

#include <chrono>

namespace cx {

inline std::chrono::milliseconds reply_timeout(std::chrono::milliseconds t) { return t + std::chrono::seconds(2); }

// For an actor of ours that answers at once, without an outbound call (the circuit breaker).
inline std::chrono::milliseconds local_reply_timeout() { return reply_timeout(std::chrono::milliseconds(0)); }

}  // namespace cx
