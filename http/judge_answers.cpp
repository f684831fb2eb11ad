#include "http/judge_answers.hpp"

#include <boost/json.hpp>

#include "http/json_errors.hpp"
#include "messages/wire_json.hpp"

namespace cx::http {
namespace {

std::string request_id_details(const judge_answer& a) {
  return boost::json::serialize(boost::json::object{{"requestId", a.request_id}});
}

// A /v1/judge-question answer echoes the submission and the request id; a /v1/judge one does not.
response refusal(int status, const judge_answer& a, std::string_view message) {
  if (a.submission_id) return error_response(status, *a.submission_id, message, request_id_details(a));
  return error_response(status, message);
}

response with_header(response res, const char* name, std::string value) {
  res.set_header(name, std::move(value));
  return res;
}

response invalid(const request_error& e) {
  // A malformed body has no issues to list; a cap names its limit.
  std::string details;
  if (!e.details_json.empty()) details = e.details_json;
  else if (e.message != "Malformed JSON body") details = issues_details_json(e.issues);
  return error_response(400, e.submission_id, e.message, details);
}

response judged(const judge_answer& a) {
  if (!a.failure) return response::json(200, inline_result_body(a.summary, nullptr));
  inline_failure f{a.failure->index, &a.failure->testcase, &a.failure->outcome};
  return response::json(200, inline_result_body(a.summary, &f));
}

}  // namespace

response respond(const judge_answer& a) {
  switch (a.kind) {
    case answer_kind::accepted:
      return response::json(202, accepted_body(a.submission_id.value_or(""), a.request_id, false));
    case answer_kind::duplicate:
      return response::json(202, accepted_body(a.submission_id.value_or(""), a.request_id, true));
    case answer_kind::mark_running_failed:
      return refusal(502, a, "Failed to mark submission as running");
    case answer_kind::store_unavailable:
      return with_header(refusal(503, a, "Submission store unavailable"), "Retry-After", "5");
    case answer_kind::overloaded:
      return with_header(refusal(503, a, "Too many submissions in progress"), "Retry-After", "5");
    case answer_kind::shutting_down:
      return shutting_down_response();
    case answer_kind::breaker_open:
      return error_response(502, "Judge0 unavailable");
    case answer_kind::internal:
      return refusal(500, a, "Internal error");
    case answer_kind::client_gone:
      return error_response(499, "Client closed request");
    case answer_kind::judged:
      return judged(a);
    case answer_kind::judge0_failed:
      return response::json(502, inline_error_body(a.message, a.request_id, a.testcase_index));
    case answer_kind::not_found:
      return error_response(404, "Not found");
    case answer_kind::method_not_allowed:
      return with_header(error_response(405, "Method not allowed"), "Allow", a.allow);
    case answer_kind::unauthorized:
      return error_response(401, "Unauthorized");
    case answer_kind::rate_limited:
      return with_header(error_response(429, "Too many requests"), "Retry-After", std::to_string(a.retry_after_s));
    case answer_kind::too_large:
      return error_response(413, "Request body exceeds MAX_BODY_BYTES");
    case answer_kind::unsupported_media_type:
      return error_response(415, "Content-Type must be application/json");
    case answer_kind::invalid:
      return invalid(a.error);
    case answer_kind::rate_limiter_unavailable:
      return with_header(error_response(503, "Rate limiter unavailable"), "Retry-After", "1");
  }
  return refusal(500, a, "Internal error");
}

}  // namespace cx::http
