#include "api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <chrono>
#include <optional>

#include "query.hpp"
#include "submission_json.hpp"
#include "submission_request.hpp"
#include "verdict.hpp"

namespace judge0_lite {

namespace json = boost::json;
using cx::http::request;
using cx::http::response;

namespace {

constexpr std::string_view judge0_version = "1.13.1";

response json_response(int status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "application/json; charset=utf-8");
  return r;
}

response json_response(int status, const json::value& v) { return json_response(status, json::serialize(v)); }

response empty_response(int status) {
  response r;
  r.status = status;
  return r;
}

response error_response(int status, std::string_view message) {
  json::object o;
  o["error"] = json::string(message);
  return json_response(status, o);
}

// Rails' public exceptions: JSON only when the client asks for it, otherwise an empty body.
response rails_error(const request& req, int status, std::string_view text) {
  if (req.header_value("Accept").find("application/json") == std::string_view::npos) return empty_response(status);
  return json_response(status, json::object{{"status", status}, {"error", json::string(text)}});
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

json::array languages_json(const language_table& languages, bool with_archived_flag) {
  json::array a;
  for (const auto& lang : languages.installed()) {
    json::object o{{"id", lang.id}, {"name", json::string(lang.name)}};
    if (with_archived_flag) o["is_archived"] = false;
    a.push_back(std::move(o));
  }
  return a;
}

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

api::api(submission_store& store, submission_cache& cache, judge_pool& pool, callback_sender& callbacks,
         const language_table& languages, api_options options)
    : store_(store),
      cache_(cache),
      pool_(pool),
      callbacks_(callbacks),
      languages_(languages),
      options_(std::move(options)) {}

void api::handle(request req, const cx::http::responder_ptr& res) {
  response r;
  try {
    r = route(req, &res);
  } catch (const std::exception&) {
    r = rails_error(req, 500, "Internal Server Error");
  }
  if (r.status != 0) res->send(std::move(r));
}

response api::respond(const request& req) { return route(req, nullptr); }

bool api::authenticated(const request& req) const {
  if (options_.auth_tokens.empty()) return true;
  std::string presented(req.header_value("X-Auth-Token"));
  if (presented.empty()) {
    presented = find_param(parse_params(query_of(req.target)), "X-Auth-Token").value_or("");
  }
  bool ok = false;
  for (const auto& token : options_.auth_tokens) ok |= constant_time_equal(presented, token);
  return ok;
}

// status 0 means "answered later through the responder".
response api::route(const request& req, const cx::http::responder_ptr* later) {
  const std::string_view path = req.path();
  const std::string& method = req.method;
  if (path == "/" && (method == "GET" || method == "HEAD")) return empty_response(200);
  if (!authenticated(req)) return empty_response(401);

  if (path == "/submissions" || path == "/submissions/") {
    if (method == "POST") return create_submission(req, later);
    if (method == "GET") return empty_response(403);  // needs AUTHZ_TOKEN, which judge0-lite never sets
  }
  if (path == "/submissions/batch") {
    if (method == "GET" || method == "POST") return error_response(400, "batched submissions are not allowed");
  }
  if (path.starts_with("/submissions/")) {
    std::string token(path.substr(std::string_view("/submissions/").size()));
    if (token.find('/') == std::string::npos) {
      if (method == "GET") return show_submission(req, token);
      if (method == "DELETE") return empty_response(403);
    }
  }
  if (method == "GET") {
    if (path == "/languages") return json_response(200, languages_json(languages_, false));
    if (path == "/languages/all") return json_response(200, languages_json(languages_, true));
    if (path.starts_with("/languages/")) {
      auto id = parse_int(path.substr(std::string_view("/languages/").size()));
      const language* lang = id ? languages_.find(*id) : nullptr;
      if (lang == nullptr) return rails_error(req, 404, "Not Found");
      json::object o{{"id", lang->id},
                     {"name", json::string(lang->name)},
                     {"is_archived", false},
                     {"source_file", json::string(lang->source_file)},
                     {"compile_cmd", lang->compiled() ? json::value(json::string(command_text(lang->compile_cmd)))
                                                      : json::value(nullptr)},
                     {"run_cmd", json::string(command_text(lang->run_cmd))}};
      return json_response(200, o);
    }
    if (path == "/statuses") {
      json::array a;
      for (const auto& s : status_table()) {
        a.push_back(json::object{{"id", s.id}, {"description", json::string(s.description)}});
      }
      return json_response(200, a);
    }
    if (path == "/about") {
      return json_response(200, json::object{{"version", json::string(judge0_version)},
                                             {"homepage", "https://judge0.com"},
                                             {"source_code", "https://github.com/judge0/judge0"},
                                             {"maintainer", "judge0-lite (a local development stand-in, not Judge0)"}});
    }
    if (path == "/version") {
      response r;
      r.status = 200;
      r.body = std::string(judge0_version);
      r.set_header("Content-Type", "text/plain; charset=utf-8");
      return r;
    }
    if (path == "/workers") {
      int busy = pool_.busy();
      int total = pool_.workers();
      return json_response(200, json::array{json::object{{"queue", json::string(judge0_version)},
                                                         {"size", pool_.waiting()},
                                                         {"available", total},
                                                         {"idle", total - busy},
                                                         {"working", busy},
                                                         {"paused", 0},
                                                         {"failed", 0}}});
    }
  }
  if (method == "POST" && path == "/authenticate") return empty_response(200);
  return rails_error(req, 404, "Not Found");
}

response api::create_submission(const request& req, const cx::http::responder_ptr* later) {
  if (req.body_too_large) return error_response(413, "request body too large");
  const param_list query = parse_params(query_of(req.target));

  std::optional<json::object> body;
  std::string_view content_type = req.header_value("Content-Type");
  if (content_type.find("application/json") != std::string_view::npos && !req.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec) return rails_error(req, 400, "Bad Request");
    if (v.is_object()) body = std::move(v.as_object());
  } else if (content_type.find("application/x-www-form-urlencoded") != std::string_view::npos) {
    body = merge_params(parse_params(req.body), nullptr);
  }
  const json::object params = merge_params(query, body ? &*body : nullptr);
  const bool base64 = param_is_true(params, "base64_encoded");
  const bool wait = param_is_true(params, "wait") && later != nullptr;

  // Judge0's order: queue size, then fields, then the model's validations. The pool checks the
  // queue again, atomically, when the submission is added.
  if (pool_.full()) return error_response(503, "queue is full");
  std::optional<std::string> fields_param;
  if (auto it = params.find("fields"); it != params.end() && it->value().is_string()) {
    fields_param = std::string(it->value().get_string());
  }
  field_selection selection = select_fields(fields_param);
  if (!selection.invalid.empty()) return json_response(400, invalid_fields_error(selection));

  submission_request built = build_submission(params, base64, languages_);
  if (!built.accepted) return json_response(422, built.errors.to_json());
  submission s = std::move(*built.accepted);
  s.token = store_.new_token();
  s.status_id = status::in_queue;
  s.created_at = std::chrono::system_clock::now();
  const std::string token = s.token;

  judge_pool::completion answer;
  if (wait) {
    cx::http::responder_ptr responder = *later;
    answer = [responder, selection, base64, &languages = languages_](const submission& done) {
      auto rendered = serialize_submission(done, languages, selection, base64);
      if (!rendered) {
        responder->send(json_response(201, json::object{{"token", json::string(done.token)},
                                                        {"error", json::string(utf8_error_single)}}));
        return;
      }
      responder->send(json_response(201, *rendered));
    };
  }
  // Judge0 calls back from the job's `ensure`, before a wait=true answer is rendered.
  judge_pool::completion on_done = answer;
  if (s.callback_url) {
    on_done = [answer = std::move(answer), url = *s.callback_url, &callbacks = callbacks_,
               &languages = languages_](const submission& done) {
      // The default fields, always base64: every attribute then renders, whatever its bytes.
      auto body = serialize_submission(done, languages, select_fields(std::nullopt), true);
      if (body) callbacks.send(done.token, url, json::serialize(*body));
      if (answer) answer(done);
    };
  }
  switch (pool_.submit(std::move(s), std::move(on_done))) {
    case judge_pool::admission::queue_full: return error_response(503, "queue is full");
    case judge_pool::admission::stopped: return error_response(503, "judge0-lite is shutting down");
    case judge_pool::admission::queued: break;
  }
  if (wait) return response{0, {}, {}};
  return json_response(201, json::object{{"token", json::string(token)}});
}

response api::show_submission(const request& req, const std::string& token) {
  const param_list query = parse_params(query_of(req.target));
  field_selection selection = select_fields(find_param(query, "fields"));
  if (!selection.invalid.empty()) return json_response(400, invalid_fields_error(selection));
  const bool base64 = find_param(query, "base64_encoded") == std::optional<std::string>("true");
  auto s = cache_.fetch(token, [this](const std::string& t) { return store_.get(t); });
  if (!s) return rails_error(req, 404, "Not Found");
  auto rendered = serialize_submission(*s, languages_, selection, base64);
  if (!rendered) return error_response(400, utf8_error_single);
  return json_response(200, *rendered);
}

}  // namespace judge0_lite
