#include "callback_sender.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <cstdio>

#include "log_line.hpp"

namespace judge0_lite {

namespace json = boost::json;

struct callback_sender::delivery {
  std::string token;
  std::string url;
  std::string body;
  int tries = 0;
};

callback_sender::callback_sender(settings s) : settings_(s), client_(io_) { io_.start(); }

callback_sender::~callback_sender() { stop(); }

void callback_sender::stop() { io_.stop(); }

void callback_sender::send(std::string token, std::string url, std::string body) {
  if (pending_.fetch_add(1) >= settings_.max_pending) {
    --pending_;
    print_line(stderr, json::object{{"msg", "callback dropped: too many pending"},
                                    {"token", json::string(token)},
                                    {"pending", settings_.max_pending}});
    return;
  }
  attempt(std::make_shared<delivery>(delivery{std::move(token), std::move(url), std::move(body)}));
}

void callback_sender::attempt(const std::shared_ptr<delivery>& d) {
  ++d->tries;
  cx::http::client_request req;
  req.method = "PUT";
  req.url = d->url;
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = d->body;
  req.timeout = settings_.timeout;
  req.max_response_bytes = 1u << 20;  // the answer is ignored; only its arrival counts
  client_.send(std::move(req), [this, d](cx::http::client_response r) { answered(d, r); });
}

// Runs on the sender's I/O thread.
void callback_sender::answered(const std::shared_ptr<delivery>& d, const cx::http::client_response& r) {
  if (r.status != 0) {
    --pending_;
    print_line(stderr, json::object{{"msg", "callback delivered"},
                                    {"token", json::string(d->token)},
                                    {"status", r.status},
                                    {"tries", d->tries}});
    return;
  }
  const bool again = d->tries < settings_.max_tries;
  print_line(stderr, json::object{{"msg", again ? "callback try failed, retrying" : "callback failed, dropped"},
                                  {"token", json::string(d->token)},
                                  {"tries", d->tries},
                                  {"timed_out", r.timed_out},
                                  {"error", json::string(r.error)}});
  if (again) return attempt(d);
  --pending_;
}

}  // namespace judge0_lite
