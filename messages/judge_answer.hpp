// How a judge request ends, as a value: what the supervisor and the actors it owns answer, and
// what the front refuses itself. The front turns each into status, headers and JSON in one table
// (http/judge_answers); nothing below it sees HTTP.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "messages/judging.hpp"
#include "messages/wire_json.hpp"

namespace cx {

// A judge request as the supervisor sees it: its id, its arrival (the deadline counts from it) and
// the front's serial number, which names it in a later client_gone_atom.
struct request_ticket {
  std::string request_id;
  std::chrono::steady_clock::time_point received;
  std::uint64_t serial = 0;
};

enum class answer_kind {
  // POST /v1/judge-question
  accepted,             // marked running: 202
  duplicate,            // already in flight here: 202 with duplicate:true
  mark_running_failed,  // 502
  store_unavailable,    // SUBMISSION_STORE=redis could not journal it: 503, Retry-After 5
  // either judge route
  overloaded,     // admission full: 503, Retry-After 5
  shutting_down,  // draining, or cut short at the grace deadline: 503
  breaker_open,   // 502 "Judge0 unavailable"
  internal,       // the actor that held the request died without answering: 500
  client_gone,    // the client left before its answer (logged as 499, never seen by it)
  // POST /v1/judge
  judged,         // 200 with the verdict
  judge0_failed,  // 502 with the testcase's index
  // refused by the front before any actor ran
  not_found,
  method_not_allowed,
  unauthorized,
  rate_limited,
  too_large,
  unsupported_media_type,
  invalid,  // 400: validation, caps, malformed JSON, an over-long subject
  rate_limiter_unavailable,
};

// The first failing inline testcase, owned (the wire's inline_failure points into it).
struct inline_failure_copy {
  int index = 0;
  inline_testcase testcase;
  judge0_outcome outcome;
};

struct judge_answer {
  answer_kind kind = answer_kind::internal;
  std::string request_id;
  std::optional<std::string> submission_id;  // echoed by /v1/judge-question answers only
  std::string message;                       // judge0_failed: what failed
  int testcase_index = 0;                    // judge0_failed
  std::int64_t retry_after_s = 0;            // rate_limited
  std::string allow;                         // method_not_allowed
  request_error error;                       // invalid
  inline_summary summary;                    // judged
  std::optional<inline_failure_copy> failure;  // judged and failed
};

inline judge_answer answer(answer_kind kind, std::string request_id, std::optional<std::string> submission_id = {}) {
  judge_answer a;
  a.kind = kind;
  a.request_id = std::move(request_id);
  a.submission_id = std::move(submission_id);
  return a;
}

}  // namespace cx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::request_ticket)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cx::judge_answer)
