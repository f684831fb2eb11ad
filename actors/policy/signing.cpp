#include "actors/policy/signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace cx {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::string sign_payload(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string data = std::to_string(unix_seconds);
  data += '.';
  data.append(body);
  return "v1=" + hmac_sha256_hex(secret, data);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

struct header_check {
  signature_check result = signature_check::ok;
  std::int64_t timestamp = 0;
};

header_check check_headers(std::string_view ts_header, std::string_view sig_header, std::int64_t now,
                           std::int64_t tolerance) {
  if (ts_header.empty() || sig_header.empty()) return {signature_check::missing};
  std::int64_t ts = 0;
  auto [p, ec] = std::from_chars(ts_header.data(), ts_header.data() + ts_header.size(), ts);
  if (ec != std::errc{} || p != ts_header.data() + ts_header.size()) return {signature_check::malformed};
  if (sig_header.rfind("v1=", 0) != 0 || sig_header.size() != 3 + 64) return {signature_check::malformed};
  if (ts > now + tolerance || ts < now - tolerance) return {signature_check::stale};
  return {signature_check::ok, ts};
}

}  // namespace

signature_check check_signature_headers(std::string_view ts_header, std::string_view sig_header, std::int64_t now,
                                        std::int64_t tolerance) {
  return check_headers(ts_header, sig_header, now, tolerance).result;
}

signature_check verify_signature(const std::vector<std::string>& secrets, std::string_view ts_header,
                                 std::string_view sig_header, std::string_view body, std::int64_t now,
                                 std::int64_t tolerance) {
  auto headers = check_headers(ts_header, sig_header, now, tolerance);
  if (headers.result != signature_check::ok) return headers.result;
  const auto ts = headers.timestamp;
  bool match = false;
  for (const auto& s : secrets) {
    // Check every secret so the timing does not reveal which one matched.
    match |= constant_time_equals(sign_payload(s, ts, body), sig_header);
  }
  return match ? signature_check::ok : signature_check::mismatch;
}

const char* to_string(signature_check c) {
  switch (c) {
    case signature_check::ok: return "ok";
    case signature_check::missing: return "missing";
    case signature_check::malformed: return "malformed";
    case signature_check::stale: return "stale";
    case signature_check::mismatch: return "mismatch";
    case signature_check::replayed: return "replayed";
  }
  return "mismatch";
}

}  // namespace cx
