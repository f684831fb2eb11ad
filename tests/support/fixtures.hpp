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

// The value of one series in a Prometheus text exposition (`series` is the name with its labels as
// rendered, e.g. `code_exec_ready`); -1 when absent. In-process tests share one registry, so they
// compare values before and after rather than absolute ones.
inline double metric_value(const std::string& exposition, const std::string& series) {
  for (std::size_t at = exposition.find(series + " "); at != std::string::npos;
       at = exposition.find(series + " ", at + 1)) {
    if (at == 0 || exposition[at - 1] == '\n') return std::stod(exposition.substr(at + series.size() + 1));
  }
  return -1;
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
