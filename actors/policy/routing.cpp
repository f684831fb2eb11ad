#include "actors/policy/routing.hpp"

namespace cx {
namespace {

struct entry {
  std::string_view path;
  std::string_view method;
  route r;
};

constexpr entry kRoutes[] = {
    {"/healthz", "GET", route::healthz},
    {"/readyz", "GET", route::readyz},
    {"/metrics", "GET", route::metrics},
    {"/v1/judge-question", "POST", route::judge_question},
    {"/v1/judge", "POST", route::judge},
};

}  // namespace

route_match match_route(std::string_view method, std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const auto& e : kRoutes) {
    if (e.path != path) continue;
    // HEAD is served wherever GET is (RFC 9110, and Express did so); the server leaves the body out.
    bool get = e.method == "GET";
    if (e.method == method || (get && method == "HEAD")) return {e.r, 0, {}};
    return {route::none, 405, get ? "GET, HEAD" : std::string(e.method)};
  }
  return {route::none, 404, {}};
}

const char* route_label(route r) {
  switch (r) {
    case route::healthz: return "/healthz";
    case route::readyz: return "/readyz";
    case route::metrics: return "/metrics";
    case route::judge_question: return "/v1/judge-question";
    case route::judge: return "/v1/judge";
    case route::none: return "other";
  }
  return "other";
}

}  // namespace cx
