// Exponential backoff with full jitter, honouring a server's Retry-After.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cx {

// attempt counts from 1 (the delay after the first failure). `unit` is a random number in [0,1).
std::int64_t backoff_delay_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms, double unit,
                              std::optional<std::int64_t> retry_after_ms = std::nullopt);
// Retry-After in delta-seconds; HTTP dates are not used by Convex or Judge0.
std::optional<std::int64_t> parse_retry_after_ms(std::string_view header);
// Whether a callback answer is worth retrying: network error (0), 408, 429 or 5xx.
bool is_retryable_status(int status);

}  // namespace cx
