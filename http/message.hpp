// Plain HTTP request/response values shared by the server, the client and the actors.
// Deliberately free of Beast so that every layer can include it cheaply.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx::http {

struct header {
  std::string name;
  std::string value;
};

using header_list = std::vector<header>;

// Case-insensitive lookup; returns an empty view when absent.
std::string_view find_header(const header_list& headers, std::string_view name);
bool iequals(std::string_view a, std::string_view b);

struct request {
  std::string method;
  std::string target;  // path plus query, as sent
  header_list headers;
  std::string body;
  std::string remote_address;
  // Set when the declared or streamed body exceeded the server's cap; body is then empty
  // and the connection is closed after the response.
  bool body_too_large = false;
  // Set when a body was declared but the server's wants_body gate refused to read it; body is
  // then empty and the connection is closed after the response.
  bool body_unread = false;

  std::string_view header_value(std::string_view name) const { return find_header(headers, name); }
  std::string_view path() const;
};

struct response {
  int status = 200;
  header_list headers;
  std::string body;

  static response json(int status, std::string body);
  void set_header(std::string name, std::string value);
};

}  // namespace cx::http
