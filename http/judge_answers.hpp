// The one table from a judge request's outcome to its HTTP answer: status, headers and JSON body
// for every row of the contract's status list (../shared/docs/contract.md §1, §2, §5).
#pragma once

#include "http/message.hpp"
#include "messages/judge_answer.hpp"

namespace cx::http {

response respond(const judge_answer& a);

}  // namespace cx::http
