#include "messages/wire_json.hpp"

#include <boost/json.hpp>

namespace cx {

const char* to_string(result_status s) {
  switch (s) {
    case result_status::passed: return "passed";
    case result_status::failed: return "failed";
    case result_status::error: return "error";
  }
  return "error";
}

const char* route_suffix(submission_kind k) { return k == submission_kind::personalized ? "personalized-" : ""; }

std::string issues_details_json(const std::vector<validation_issue>& issues) {
  boost::json::array a;
  for (const auto& i : issues) a.push_back(boost::json::object{{"path", i.path}, {"message", i.message}});
  return boost::json::serialize(boost::json::object{{"issues", std::move(a)}});
}

std::string mark_running_body(std::string_view submission_id) {
  return boost::json::serialize(boost::json::object{{"submissionId", submission_id}});
}

std::string fetch_testcases_body(std::string_view question_id) {
  return boost::json::serialize(boost::json::object{{"questionId", question_id}});
}

}  // namespace cx
