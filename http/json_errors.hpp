// The one place that turns an error into a JSON HTTP answer.
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace cx::http {

// {"status":"error","message":...}
response error_response(int status, std::string_view message);
// {"status":"error","submissionId":...,"message":...,"details":<details_json>}
response error_response(int status, std::string_view submission_id, std::string_view message,
                        std::string_view details_json);
// 503 "Service is shutting down" with Retry-After: a judge request the draining service will not run.
response shutting_down_response();

}  // namespace cx::http
