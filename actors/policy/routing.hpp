// The route table: which handler a method and path reach, or why none does.
#pragma once

#include <string>
#include <string_view>

namespace cx {

enum class route { none, healthz, readyz, metrics, judge_question, judge };

struct route_match {
  route r = route::none;
  int status = 0;     // 0 when matched; 404 or 405 otherwise
  std::string allow;  // for 405
};

route_match match_route(std::string_view method, std::string_view path);
const char* route_label(route r);  // metrics label

}  // namespace cx
