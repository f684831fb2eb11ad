// The Convex conversation: mark running, fetch testcases, post the result.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <string>

#include "messages/judging.hpp"
#include "messages/wire_json.hpp"

namespace cx {

// What a Convex call ended with; status 0 means no answer (transport error or timeout).
struct convex_answer {
  int status = 0;
  std::string body;
  std::string error;
  bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::convex_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::submission_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::submission_kind)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::inline_judge_request)
