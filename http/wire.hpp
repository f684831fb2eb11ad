// HTTP/1.1 wire text for one outbound request or one response, built as a single buffer so
// that it goes out in one write. Beast parses; these only serialize.
#pragma once

#include <optional>
#include <string>

#include "http/client.hpp"
#include "http/message.hpp"
#include "messages/url.hpp"

namespace cx::http {

// nullopt when a header name or value holds a line break (header injection) or a name is empty.
std::optional<std::string> serialize_request(const client_request& req, const url_parts& url);

// Adds Content-Length, and "Connection: close" when the connection ends after this response.
// A header whose name or value holds a line break is dropped. The answer to a HEAD request keeps
// the Content-Length of the body it leaves out.
std::string serialize_response(const response& res, bool keep_alive, bool head_request = false);

}  // namespace cx::http
