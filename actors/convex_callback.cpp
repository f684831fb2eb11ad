#include "actors/convex_callback.hpp"

#include <caf/all.hpp>

#include <optional>
#include <random>
#include <unordered_map>

#include "actors/http_caller.hpp"
#include "actors/http_messages.hpp"
#include "actors/policy/backoff.hpp"
#include "actors/policy/signing.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "actors/timers.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_interface.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

constexpr std::int64_t kBackoffBaseMs = 200;
constexpr std::int64_t kBackoffCapMs = 10000;
constexpr int kFetchAttempts = 3;

struct delivery {
  std::string route;
  std::string body;
  std::string idempotency_key;  // empty: none sent
  std::string submission_id;
  int attempts = 0;
  int max_attempts = 1;
  bool want_bool = false;  // result deliveries answer bool, fetches answer convex_answer
  caf::response_promise rp;
};

struct convex_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  convex_state() = default;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, delivery> pending;
  std::mt19937_64 rng{std::random_device{}()};
  std::shared_ptr<const config> cfg;
  std::optional<http_caller> http;
  timers time;  // the retries' backoff
  static constexpr const char* name = "convex_callback";
};

std::string route_for(const char* base, submission_kind k) {
  return std::string("/coding/") + route_suffix(k) + base;
}

http::client_request make_request(const config& cfg, const std::string& route, const std::string& body,
                                  const std::string& idempotency_key) {
  http::client_request req;
  req.method = "POST";
  req.url = cfg.convex_site_url + route;
  req.body = body;
  req.timeout = cfg.convex_timeout;
  req.headers.push_back({"Content-Type", "application/json"});
  if (!cfg.convex_callback_secret.empty()) {
    auto ts = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    req.headers.push_back({"X-Code-Exec-Timestamp", std::to_string(ts)});
    req.headers.push_back({"X-Code-Exec-Signature", sign_payload(cfg.convex_callback_secret, ts, body)});
  }
  if (!idempotency_key.empty()) req.headers.push_back({"Idempotency-Key", idempotency_key});
  return req;
}

convex_answer to_answer(const http::client_response& r) {
  convex_answer a;
  a.status = r.ok() ? r.status : 0;
  a.body = r.body;
  a.error = r.ok() ? std::string() : r.error;
  return a;
}

const char* result_label(const http::client_response& r) {
  if (!r.ok()) return r.timed_out ? "timeout" : "network_error";
  if (r.status >= 200 && r.status < 300) return "ok";
  return r.status >= 500 ? "5xx" : "4xx";
}

// The conversation plus its own timers' and HTTP completions' messages.
using convex_impl = convex_actor::extend<caf::reacts_to<retry_atom, std::uint64_t>,
                                         caf::reacts_to<http_done_atom, std::uint64_t, http::client_response>>;
using convex_self = convex_impl::stateful_pointer<convex_state>;
using steady = std::chrono::steady_clock;

double seconds_between(steady::time_point from, steady::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// One attempt of delivery `id`; schedules the next one on a retryable failure.
void attempt(convex_self self, std::uint64_t id) {
  auto it = self->state.pending.find(id);
  if (it == self->state.pending.end()) return;
  auto& d = it->second;
  ++d.attempts;
  const auto& cfg = *self->state.cfg;
  auto req = make_request(cfg, d.route, d.body, d.idempotency_key);
  self->state.http->call(self, std::move(req), [self, id, started = self->state.time.now()](http::client_response& res) {
    auto it2 = self->state.pending.find(id);
    if (it2 == self->state.pending.end()) return;
    auto& d2 = it2->second;
    metrics::observe_callback(d2.route, result_label(res), seconds_between(started, self->state.time.now()));
    bool ok = res.ok() && res.status >= 200 && res.status < 300;
    int status = res.ok() ? res.status : 0;
    if (!ok && is_retryable_status(status) && d2.attempts < d2.max_attempts) {
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      auto retry_after = parse_retry_after_ms(http::find_header(res.headers, "Retry-After"));
      auto delay = backoff_delay_ms(d2.attempts, kBackoffBaseMs, kBackoffCapMs, unit(self->state.rng), retry_after);
      log::warn("convex callback failed, retrying",
                {{"route", d2.route}, {"submission_id", d2.submission_id}, {"attempt", d2.attempts},
                 {"status", status}, {"delay_ms", delay}});
      self->state.time.send_later(self, std::chrono::milliseconds(delay), retry_atom::value, id);
      return;
    }
    if (!ok) {
      log::error("convex callback failed", {{"route", d2.route}, {"submission_id", d2.submission_id},
                                            {"attempts", d2.attempts}, {"status", status}, {"error", res.error}});
    }
    if (d2.want_bool) d2.rp.deliver(ok);
    else d2.rp.deliver(to_answer(res));
    self->state.pending.erase(it2);
  });
}

void start(convex_self self, delivery d) {
  auto id = ++self->state.next_id;
  self->state.pending.emplace(id, std::move(d));
  attempt(self, id);
}

convex_impl::behavior_type convex_callback(convex_self self, std::shared_ptr<const config> cfg, http::outbound* out,
                                           timers time) {
  self->state.cfg = cfg;
  self->state.http.emplace(*out);
  self->state.time = time;
  self->set_exit_handler([self](caf::exit_msg& em) {
    // 0.17 has no broken_promise: answer every open call before leaving.
    for (auto& kv : self->state.pending) {
      if (kv.second.want_bool) kv.second.rp.deliver(false);
      else kv.second.rp.deliver(convex_answer{0, {}, "service shutting down"});
    }
    self->state.pending.clear();
    self->quit(em.reason);
  });

  return {
      [self, cfg](running_atom, submission_kind kind, std::string& submission_id) -> caf::result<convex_answer> {
        auto rp = self->make_response_promise<convex_answer>();
        auto route = route_for("submission-running", kind);
        auto req = make_request(*cfg, route, mark_running_body(submission_id), {});
        self->state.http->call(self, std::move(req), [self, rp, route, started = self->state.time.now()](http::client_response& res) mutable {
          metrics::observe_callback(route, result_label(res), seconds_between(started, self->state.time.now()));
          rp.deliver(to_answer(res));
        });
        return rp;
      },
      [self](fetch_atom, submission_kind kind, std::string& question_id) -> caf::result<convex_answer> {
        delivery d;
        d.route = route_for("testcases", kind);
        d.body = fetch_testcases_body(question_id);
        d.max_attempts = kFetchAttempts;
        d.rp = self->make_response_promise<convex_answer>();
        auto rp = d.rp;
        start(self, std::move(d));
        return rp;
      },
      [self, cfg](result_atom, submission_kind kind, submission_result& r) -> caf::result<bool> {
        delivery d;
        d.route = route_for("submission-result", kind);
        d.body = submission_result_body(r);
        d.idempotency_key = r.submission_id;
        d.submission_id = r.submission_id;
        d.max_attempts = cfg->callback_max_attempts;
        d.want_bool = true;
        d.rp = self->make_response_promise<bool>();
        auto rp = d.rp;
        start(self, std::move(d));
        return rp;
      },
      [self](retry_atom, std::uint64_t id) { attempt(self, id); },
      [self](http_done_atom, std::uint64_t id, http::client_response& res) { self->state.http->complete(id, res); },
  };
}

}  // namespace

std::chrono::milliseconds result_delivery_budget(const config& cfg) {
  // Each attempt is bounded by its timeout; a backoff (at most the cap) only comes between two.
  return cfg.convex_timeout * cfg.callback_max_attempts +
         std::chrono::milliseconds(kBackoffCapMs) * (cfg.callback_max_attempts - 1);
}

convex_actor spawn_convex_callback(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::outbound& out,
                                   timers time) {
  return sys.spawn(convex_callback, std::move(cfg), &out, time);
}

}  // namespace cx
