// Blocking HTTP calls for tests, on top of the service's own async client.
#pragma once

#include <future>
#include <string>

#include "http/client.hpp"
#include "http/io_runtime.hpp"

namespace cx::testing {

class test_client {
 public:
  test_client() : client_(io_) { io_.start(); }
  ~test_client() { io_.stop(); }

  http::client_response call(std::string method, std::string url, std::string body = {},
                             http::header_list headers = {}, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    http::client_request req;
    req.method = std::move(method);
    req.url = std::move(url);
    req.body = std::move(body);
    req.headers = std::move(headers);
    req.timeout = timeout;
    std::promise<http::client_response> p;
    auto f = p.get_future();
    client_.send(std::move(req), [&p](http::client_response r) { p.set_value(std::move(r)); });
    return f.get();
  }

 private:
  http::io_runtime io_;
  http::client client_;
};

}  // namespace cx::testing
