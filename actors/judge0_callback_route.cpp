#include "actors/judge0_callback_route.hpp"

#include <caf/all.hpp>

#include "actors/http_messages.hpp"
#include "http/json_errors.hpp"

namespace cx {
namespace {

constexpr std::string_view kPrefix = "/judge0/callbacks/";

bool plain_segment(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::optional<callback_path> parse_callback_path(std::string_view path) {
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  path.remove_prefix(kPrefix.size());
  auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto job = path.substr(0, slash), secret = path.substr(slash + 1);
  if (!plain_segment(job) || !plain_segment(secret)) return std::nullopt;
  return callback_path{std::string(job), std::string(secret)};
}

std::string callback_path_for(std::string_view job, std::string_view secret) {
  return std::string(kPrefix) + std::string(job) + "/" + std::string(secret);
}

http::request_handler judge0_callback_handler(judge0_pool_actor pool) {
  return [pool](http::request req, http::responder_ptr reply) {
    auto path = parse_callback_path(req.path());
    if (!path) return reply->send(http::error_response(404, "Not found"));
    if (req.method != "PUT") {
      auto res = http::error_response(405, "Method not allowed");
      res.set_header("Allow", "PUT");
      return reply->send(std::move(res));
    }
    if (req.body_too_large) return reply->send(http::error_response(413, "Callback body too large"));
    auto answer = [reply](bool known) {
      reply->send(known ? http::response::json(200, R"({"status":"ok"})") : http::error_response(404, "Not found"));
    };
    caf::anon_send(pool, judge0_callback{std::move(path->job), std::move(path->secret), std::move(req.body),
                                         std::move(answer)});
  };
}

}  // namespace cx
