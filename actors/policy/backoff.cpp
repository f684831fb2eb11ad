#include "actors/policy/backoff.hpp"

#include <algorithm>
#include <charconv>

namespace cx {

std::int64_t backoff_delay_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms, double unit,
                              std::optional<std::int64_t> retry_after_ms) {
  int shift = std::clamp(attempt - 1, 0, 30);
  std::int64_t ceiling = std::min(cap_ms, base_ms << shift);
  auto jittered = static_cast<std::int64_t>(static_cast<double>(ceiling) * std::clamp(unit, 0.0, 1.0));
  if (retry_after_ms) return std::min(cap_ms, std::max(jittered, *retry_after_ms));
  return jittered;
}

std::optional<std::int64_t> parse_retry_after_ms(std::string_view h) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  std::int64_t secs = 0;
  auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), secs);
  if (h.empty() || ec != std::errc{} || p != h.data() + h.size() || secs < 0) return std::nullopt;
  return std::min<std::int64_t>(secs, 3600) * 1000;
}

bool is_retryable_status(int status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

}  // namespace cx
