#include "actors/judge0_client.hpp"

#include <caf/all.hpp>

#include <random>

#include "actors/http_caller.hpp"
#include "actors/policy/backoff.hpp"
#include "actors/policy/verdict.hpp"
#include "actors/send_later.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "messages/atoms.hpp"
#include "messages/http_messages.hpp"
#include "messages/judge0_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;
constexpr std::int64_t kQueueFullBaseMs = 250;
constexpr std::int64_t kQueueFullCapMs = 5000;
constexpr int kMaxPollFailures = 3;

struct client_state {
  explicit client_state(http::client& c) : http(c) {}
  std::shared_ptr<const config> cfg;
  http_caller http;
  breaker_handle breaker;
  std::optional<judge0_job> job;
  caf::response_promise rp;
  std::string token;
  int queue_full_retries = 0;
  int poll_failures = 0;  // consecutive; a poll is safe to repeat, so a blip is retried
  std::uint64_t generation = 0;  // ignores timers and answers of a finished job
  steady::time_point call_started;
  std::mt19937_64 rng{std::random_device{}()};
};

using client_actor = caf::event_based_actor;

std::string result_label(const http::client_response& r) {
  if (!r.ok()) return r.timed_out ? "timeout" : "network_error";
  if (r.status >= 200 && r.status < 300) return "ok";
  if (r.status == 503) return "503";
  return r.status >= 500 ? "5xx" : "4xx";
}

// Transport errors, timeouts and 5xx count against Judge0; queue-full 503 and 4xx do not.
bool breaker_failure(const http::client_response& r, bool queue_full) {
  if (!r.ok()) return true;
  return r.status >= 500 && !queue_full;
}

}  // namespace

caf::behavior judge0_client(client_actor* self, std::shared_ptr<const config> cfg, http::client* client,
                            breaker_handle breaker) {
  auto st = std::make_shared<client_state>(*client);
  st->cfg = std::move(cfg);
  st->breaker = std::move(breaker);

  auto finish = [st](judge0_outcome o) {
    if (!st->job) return;
    st->rp.deliver(std::move(o));
    st->job.reset();
    st->token.clear();
    ++st->generation;
  };
  auto fail = [finish](std::string why) {
    judge0_outcome o;
    o.failure = std::move(why);
    finish(std::move(o));
  };
  auto remaining = [st]() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(st->job->deadline - steady::now());
  };
  auto call_timeout = [st, remaining]() {
    auto left = remaining();
    auto t = std::min(st->cfg->judge0_timeout, left);
    return t < std::chrono::milliseconds(1) ? std::chrono::milliseconds(1) : t;
  };
  auto base_request = [st](std::string method, std::string target) {
    http::client_request req;
    req.method = std::move(method);
    req.url = st->cfg->judge0_base_url + target;
    if (!st->cfg->judge0_api_key.empty()) req.headers.push_back({"X-Auth-Token", st->cfg->judge0_api_key});
    return req;
  };
  auto observe = [st](const char* op, const http::client_response& res, bool queue_full) {
    double secs = std::chrono::duration<double>(steady::now() - st->call_started).count();
    metrics::observe_judge0(op, result_label(res), secs);
    bool failure = breaker_failure(res, queue_full);
    if (failure || !st->breaker.view->clear()) caf::anon_send(st->breaker.actor, record_atom::value, failure);
  };
  auto describe_http_failure = [](const char* op, const http::client_response& res) {
    if (!res.ok()) return std::string("Judge0 ") + op + " failed: " + res.error;
    auto text = judge0_error_text(res.body);
    std::string out = std::string("Judge0 ") + op + " answered " + std::to_string(res.status);
    if (!text.empty()) out += ": " + text;
    return out;
  };

  // POST the job's submission, then poll. Runs after the breaker allowed the call.
  auto post_submission = [self, st, fail, call_timeout, base_request, observe, describe_http_failure](
                              std::uint64_t gen) {
    auto req = base_request("POST", "/submissions?base64_encoded=true&wait=false");
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = judge0_submit_body(st->job->run);
    req.timeout = call_timeout();
    st->call_started = steady::now();
    st->http.call(self, std::move(req), [self, st, gen, fail, observe, describe_http_failure](
                                            http::client_response& res) {
      if (!st->job || gen != st->generation) return;
      bool queue_full = res.ok() && res.status == 503 &&
                        judge0_error_text(res.body).find("queue is full") != std::string::npos;
      observe("submit", res, queue_full);
      if (queue_full) {
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        auto delay = backoff_delay_ms(++st->queue_full_retries, kQueueFullBaseMs, kQueueFullCapMs, unit(st->rng));
        log::debug("judge0 queue full, backing off", {{"delay_ms", delay}});
        send_later(st->http.io(), self, std::chrono::milliseconds(delay), submit_atom::value, gen);
        return;
      }
      if (!res.ok() || res.status < 200 || res.status >= 300) return fail(describe_http_failure("submit", res));
      auto token = parse_judge0_token(res.body);
      if (!token) return fail("Judge0 submit answer has no token");
      st->token = *token;
      send_later(st->http.io(), self, st->cfg->judge0_poll_interval, poll_atom::value, gen);
    });
  };
  auto submit = [self, st, fail, remaining, post_submission](std::uint64_t gen) {
    if (!st->job || gen != st->generation) return;
    if (remaining().count() <= 0) return fail("deadline exceeded before Judge0 accepted the submission");
    if (st->breaker.view->clear()) return post_submission(gen);
    self->request(st->breaker.actor, caf::infinite, allow_atom::value)
        .then(
            [st, gen, fail, post_submission](bool allowed) {
              if (!st->job || gen != st->generation) return;
              if (!allowed) return fail("Judge0 unavailable (circuit breaker open)");
              post_submission(gen);
            },
            [st, gen, fail](caf::error&) {
              if (st->job && gen == st->generation) fail("Judge0 unavailable (circuit breaker not answering)");
            });
  };

  return {
      [self, st, submit](run_atom, judge0_job& job) -> caf::result<judge0_outcome> {
        auto rp = self->make_response_promise<judge0_outcome>();
        if (st->job) {  // the pool never does this; answer instead of corrupting the running job
          judge0_outcome o;
          o.failure = "Judge0 client busy";
          rp.deliver(std::move(o));
          return rp;
        }
        st->job = std::move(job);
        st->rp = rp;
        st->queue_full_retries = 0;
        st->poll_failures = 0;
        submit(st->generation);
        return rp;
      },
      [submit](submit_atom, std::uint64_t gen) { submit(gen); },
      [self, st, fail, finish, remaining, call_timeout, base_request, observe, describe_http_failure](
          poll_atom, std::uint64_t gen) {
        if (!st->job || gen != st->generation) return;
        if (remaining().count() <= 0) return fail("deadline exceeded while waiting for Judge0");
        auto req = base_request("GET", "/submissions/" + st->token + "?base64_encoded=true&fields=*");
        req.timeout = call_timeout();
        st->call_started = steady::now();
        st->http.call(self, std::move(req), [self, st, gen, fail, finish, observe, describe_http_failure](
                                                http::client_response& res) {
          if (!st->job || gen != st->generation) return;
          observe("poll", res, false);
          bool transient = !res.ok() || res.status >= 500;
          if (transient && ++st->poll_failures < kMaxPollFailures) {
            send_later(st->http.io(), self, st->cfg->judge0_poll_interval, poll_atom::value, gen);
            return;
          }
          if (!res.ok() || res.status < 200 || res.status >= 300) return fail(describe_http_failure("poll", res));
          st->poll_failures = 0;
          auto outcome = parse_judge0_submission(res.body);
          if (outcome.failure) return finish(std::move(outcome));
          if (is_terminal_status(outcome.status_id)) return finish(std::move(outcome));
          send_later(st->http.io(), self, st->cfg->judge0_poll_interval, poll_atom::value, gen);
        });
      },
      [st](http_done_atom, std::uint64_t id, http::client_response& res) { st->http.complete(id, res); },
  };
}

}  // namespace cx
