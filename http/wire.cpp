#include "http/wire.hpp"

#include <boost/beast/http/status.hpp>

#include <string_view>

namespace cx::http {
namespace {

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

std::optional<std::string> serialize_request(const client_request& req, const url_parts& url) {
  std::string out;
  out.reserve(160 + url.target.size() + req.body.size());
  out.append(req.method).append(" ").append(url.target).append(" HTTP/1.1\r\nHost: ");
  bool ipv6 = url.host.find(':') != std::string::npos;
  out.append(ipv6 ? "[" : "").append(url.host).append(ipv6 ? "]" : "");
  if (url.port != (url.tls ? 443 : 80)) out.append(":").append(std::to_string(url.port));
  out.append("\r\nUser-Agent: code-exec\r\n");
  for (const auto& h : req.headers) {
    if (h.name.empty() || has_line_break(h.name) || has_line_break(h.value)) return std::nullopt;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT")
    out.append("Content-Length: ").append(std::to_string(req.body.size())).append("\r\n");
  out.append("\r\n").append(req.body);
  return out;
}

std::string serialize_response(const response& res, bool keep_alive, bool head_request) {
  namespace bhttp = boost::beast::http;
  auto status = static_cast<unsigned>(res.status);
  std::string out;
  out.reserve(128 + res.body.size());
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(bhttp::obsolete_reason(bhttp::int_to_status(status))).append("\r\n");
  for (const auto& h : res.headers) {
    if (has_line_break(h.name) || has_line_break(h.value)) continue;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  out.append("Content-Length: ").append(std::to_string(res.body.size())).append("\r\n");
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!head_request) out.append(res.body);
  return out;
}

}  // namespace cx::http
