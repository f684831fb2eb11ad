#include "http/json_errors.hpp"

#include <boost/json.hpp>

namespace cx::http {

response error_response(int status, std::string_view message) {
  boost::json::object o{{"status", "error"}, {"message", message}};
  return response::json(status, boost::json::serialize(o));
}

response shutting_down_response() {
  auto res = error_response(503, "Service is shutting down");
  res.set_header("Retry-After", "5");
  return res;
}

response error_response(int status, std::string_view submission_id, std::string_view message,
                        std::string_view details_json) {
  boost::json::object o{{"status", "error"}, {"submissionId", submission_id}, {"message", message}};
  if (!details_json.empty()) o["details"] = boost::json::parse(details_json);
  return response::json(status, boost::json::serialize(o));
}

}  // namespace cx::http
