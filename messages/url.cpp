#include "messages/url.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace cx {

std::optional<url_parts> parse_url(std::string_view text) {
  namespace urls = boost::urls;
  auto parsed = urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const auto& u = *parsed;
  url_parts out;
  if (u.scheme_id() == urls::scheme::https) {
    out.tls = true;
    out.port = 443;
  } else if (u.scheme_id() != urls::scheme::http) {
    return std::nullopt;
  }
  // Credentials never travel in an outbound URL of ours.
  if (!u.has_authority() || u.encoded_host().empty() || u.has_userinfo()) return std::nullopt;
  out.host = u.host_type() == urls::host_type::ipv6 ? std::string(u.host_address()) : std::string(u.host());
  if (u.has_port()) {
    auto port = u.port();
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535)
      return std::nullopt;
    out.port = static_cast<std::uint16_t>(value);
  }
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) out.target.append("?").append(u.encoded_query());
  return out;
}

}  // namespace cx
