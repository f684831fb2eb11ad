// The Judge0 callback listener's one route: PUT /judge0/callbacks/{job}/{secret}. Judge0's worker
// sends the finished submission there; it carries no headers to authenticate, so the path's
// per-job secret is the only proof. Anything else is 404 (405 for the route with another method).
#pragma once


#include <optional>
#include <string>
#include <string_view>

#include "http/server.hpp"
#include "messages/judge0_pool_interface.hpp"

namespace cx {

struct callback_path {
  std::string job;
  std::string secret;
};

// The job and secret of a callback path, or nothing when the path is not one.
std::optional<callback_path> parse_callback_path(std::string_view path);
// The path handed to Judge0 for one job.
std::string callback_path_for(std::string_view job, std::string_view secret);

// Hands each well-formed PUT to the Judge0 pool as (judge0_callback), which answers it.
http::request_handler judge0_callback_handler(judge0_pool_actor pool);

}  // namespace cx
