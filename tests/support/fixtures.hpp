// Small helpers shared by the actor and integration tests.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace cx::testing {

inline std::string judge_question_body(const std::string& question, const std::string& submission,
                                       const std::string& source = "print(input())", const char* kind = nullptr) {
  boost::json::object o{{"questionId", question}, {"submissionId", submission}, {"languageId", 71}, {"sourceCode", source}};
  if (kind) o["submissionKind"] = kind;
  return boost::json::serialize(o);
}

inline boost::json::object parse(const std::string& s) {
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

// Polls `pred` until it holds or the timeout passes (for state that settles asynchronously).
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace cx::testing
