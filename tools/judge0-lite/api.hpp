// Judge0 CE 1.13.1's HTTP routes over the store, the pool and the language table.
#pragma once

#include <string>
#include <vector>

#include "callback_sender.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "judge_pool.hpp"
#include "languages.hpp"
#include "submission_cache.hpp"
#include "submission_store.hpp"

namespace judge0_lite {

struct api_options {
  // Judge0's AUTHN_TOKEN: any one of these is accepted in X-Auth-Token (header or query
  // parameter). Empty: no authentication.
  std::vector<std::string> auth_tokens;
};

class api {
 public:
  api(submission_store& store, submission_cache& cache, judge_pool& pool, callback_sender& callbacks,
      const language_table& languages, api_options options);

  // Called on an HTTP I/O thread. Never blocks: POST with wait=true answers from the worker
  // thread that finishes the submission.
  void handle(cx::http::request req, const cx::http::responder_ptr& res);

  // Everything except POST ...?wait=true answers at once; exposed for tests.
  cx::http::response respond(const cx::http::request& req);

 private:
  bool authenticated(const cx::http::request& req) const;
  cx::http::response create_submission(const cx::http::request& req, const cx::http::responder_ptr* later);
  cx::http::response show_submission(const cx::http::request& req, const std::string& token);
  cx::http::response route(const cx::http::request& req, const cx::http::responder_ptr* later);

  submission_store& store_;
  submission_cache& cache_;
  judge_pool& pool_;
  callback_sender& callbacks_;
  const language_table& languages_;
  api_options options_;
};

}  // namespace judge0_lite
