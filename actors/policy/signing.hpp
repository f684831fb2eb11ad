// HMAC-SHA256 request signing, both ways: v1=<hex HMAC(secret, timestamp + "." + body)>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cx {

std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string sign_payload(std::string_view secret, std::int64_t unix_seconds, std::string_view body);
bool constant_time_equals(std::string_view a, std::string_view b);

// `replayed`: valid, but already used within its window (decided by the caller's replay guard).
enum class signature_check { ok, missing, malformed, stale, mismatch, replayed };

// `now` and the timestamp are unix seconds; the tolerance applies both ways.
signature_check verify_signature(const std::vector<std::string>& secrets, std::string_view timestamp_header,
                                 std::string_view signature_header, std::string_view body, std::int64_t now,
                                 std::int64_t tolerance_seconds);
// The checks that need no body: both headers present, well formed and fresh. Used when the
// body was too large to read, so a request without a valid-looking signature still gets 401.
signature_check check_signature_headers(std::string_view timestamp_header, std::string_view signature_header,
                                        std::int64_t now, std::int64_t tolerance_seconds);
const char* to_string(signature_check c);

}  // namespace cx
