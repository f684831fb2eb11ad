// An http::responder for the deterministic tests: it keeps the answer, and the client-gone
// callback the handler registered, for the test to read or fire.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>

#include "http/server.hpp"

namespace cx::testing {

struct captured_reply final : http::responder {
  std::optional<http::response> got;
  std::function<void()> gone;
  void send(http::response res) override { got = std::move(res); }
  void on_client_gone(std::function<void()> f) override { gone = std::move(f); }
  int status() const { return got ? static_cast<int>(got->status) : 0; }
  std::string header(std::string_view name) const { return std::string(http::find_header(got->headers, name)); }
  boost::json::object body() const { return boost::json::parse(got->body).as_object(); }
};

}  // namespace cx::testing
