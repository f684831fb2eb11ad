// The supervisor: admission control and one monitored submission actor per accepted request.
//   (admit_atom, judge_request, request_id, received, responder)  answers the HTTP request itself
//   (abort_atom, std::string reason)                              every live submission posts an error result
//   (idle_atom)                 -> bool                           answers once no submission is left
// A submission actor that dies abnormally gets an "error" result posted on its behalf.
#pragma once

#include <caf/fwd.hpp>

#include <memory>

#include "config/config.hpp"

namespace cx::http { class io_runtime; }

namespace cx {

caf::actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const config> cfg, caf::actor convex,
                            caf::actor pool, http::io_runtime& io);

}  // namespace cx
