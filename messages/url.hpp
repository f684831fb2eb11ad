// Absolute http(s) URL splitting (Boost.URL) for the outbound client and config validation.
// A pure function of a wire value, so it sits in messages/, below both config/ and http/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx {

struct url_parts {
  bool tls = false;
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";  // path plus query
};

std::optional<url_parts> parse_url(std::string_view url);

}  // namespace cx
