#include "actors/judge0_client.hpp"

#include <caf/all.hpp>

#include <optional>
#include <random>

#include "actors/http_caller.hpp"
#include "actors/http_messages.hpp"
#include "actors/policy/backoff.hpp"
#include "actors/policy/poll_timing.hpp"
#include "actors/policy/verdict.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "actors/timers.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr std::int64_t kQueueFullBaseMs = 250;
constexpr std::int64_t kQueueFullCapMs = 5000;
constexpr int kMaxPollFailures = 3;

// The pool's conversation plus the client's own timers and HTTP completions.
using client_impl = judge0_client_actor::extend<caf::reacts_to<submit_atom, std::uint64_t>,
                                                caf::reacts_to<poll_atom, std::uint64_t>,
                                                caf::reacts_to<http_done_atom, std::uint64_t, http::client_response>>;

struct client_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  client_state() = default;
  client_impl::pointer self = nullptr;
  std::shared_ptr<const config> cfg;
  std::optional<http_caller> http;
  timers time;  // polls' and backoffs' timers
  breaker_handle breaker;
  std::optional<judge0_job> job;
  caf::response_promise rp;
  std::string token;
  int queue_full_retries = 0;
  int poll_failures = 0;  // consecutive; a poll is safe to repeat, so a blip is retried
  bool create_retried = false;  // a create that never left is tried once more, at once
  int internal_error_retries = 0;
  int calls = 0;  // of this job, reported in its outcome
  std::uint64_t generation = 0;  // ignores timers and answers of a finished job
  steady::time_point call_started;
  steady::time_point created;           // when the create's answer arrived
  milliseconds still_running_at{0};     // the latest poll, from `created`, that found the job not done
  caf::actor_addr pool;                 // hears how long the finished job ran, for the next first poll
  std::optional<std::string> early_callback;  // came before the create's answer named the token
  std::mt19937_64 rng{std::random_device{}()};
};

std::string result_label(const http::client_response& r) {
  if (!r.ok()) return r.timed_out ? "timeout" : "network_error";
  if (r.status >= 200 && r.status < 300) return "ok";
  if (r.status == 503) return "503";
  return r.status >= 500 ? "5xx" : "4xx";
}

std::string describe_http_failure(const char* op, const http::client_response& res) {
  if (!res.ok()) return std::string("Judge0 ") + op + " failed: " + res.error;
  auto text = judge0_error_text(res.body);
  std::string out = std::string("Judge0 ") + op + " answered " + std::to_string(res.status);
  if (!text.empty()) out += ": " + text;
  return out;
}

bool current(client_state* st, std::uint64_t gen) { return st->job && gen == st->generation; }

void finish(client_state* st, judge0_outcome o) {
  if (!st->job) return;
  if (auto pool = caf::actor_cast<judge0_pool_actor>(st->pool); pool && !o.failure)
    caf::anon_send(pool, ran_for_atom::value, st->still_running_at.count());
  o.judge0_calls = st->calls;
  st->rp.deliver(std::move(o));
  st->job.reset();
  st->token.clear();
  st->early_callback.reset();
  ++st->generation;
}

void fail(client_state* st, std::string why) {
  judge0_outcome o;
  o.failure = std::move(why);
  finish(st, std::move(o));
}

milliseconds remaining(client_state* st) {
  return std::chrono::duration_cast<milliseconds>(st->job->deadline - st->time.now());
}

// An HTTP timeout for a call starting `in` from now: Judge0's, cut to what the job has left.
milliseconds call_timeout(client_state* st, milliseconds in = milliseconds(0)) {
  auto t = std::min(st->cfg->judge0_timeout, remaining(st) - in);
  return t < milliseconds(1) ? milliseconds(1) : t;
}

http::client_request base_request(client_state* st, std::string method, std::string target) {
  http::client_request req;
  req.method = std::move(method);
  req.url = st->cfg->judge0_base_url + target;
  if (!st->cfg->judge0_api_key.empty()) req.headers.push_back({"X-Auth-Token", st->cfg->judge0_api_key});
  return req;
}

http::client_request poll_request(client_state* st) {
  return base_request(st, "GET", "/submissions/" + st->token + "?base64_encoded=true&fields=*");
}

void observe(client_state* st, const char* op, const http::client_response& res, bool queue_full) {
  ++st->calls;
  double secs = std::chrono::duration<double>(st->time.now() - st->call_started).count();
  metrics::observe_judge0(op, result_label(res), secs);
  auto outcome = judge0_call_outcome(res.ok(), res.status, queue_full);
  if (outcome == call_outcome::failure || !st->breaker.view->clear())
    caf::anon_send(st->breaker.actor, record_atom::value, outcome);
}

// Starts a Judge0 call now, bounded by what the job has left and timed for the metrics.
void call_judge0(client_state* st, http::client_request req, http_caller::continuation k) {
  req.timeout = call_timeout(st);
  st->call_started = st->time.now();
  st->http->call(st->self, std::move(req), std::move(k));
}

void schedule_poll(client_state* st, std::uint64_t gen, milliseconds interval);
void submit(client_state* st, std::uint64_t gen);

void note_retry(client_state* st, const char* reason) {
  metrics::count_judge0_retry(reason);
  log::warn("judge0 retry", {{"submission_id", st->job->submission_id}, {"reason", reason}});
}

// A terminal answer, from a poll or a callback: the outcome, or a re-run of a status 13 (nearly
// always Judge0's infrastructure, not the program). The re-run is a new generation, so a poll or
// timer of the old token is ignored.
void settle(client_state* st, judge0_outcome outcome) {
  if (!outcome.failure && rerun_internal_error(outcome.status_id, st->internal_error_retries,
                                               st->cfg->judge0_internal_error_retries)) {
    ++st->internal_error_retries;
    note_retry(st, "internal_error");
    st->token.clear();
    st->early_callback.reset();
    return submit(st, ++st->generation);
  }
  finish(st, std::move(outcome));
}

// A callback body with the job's token and a terminal status settles the job like a poll answer.
void on_callback(client_state* st, const std::string& body) {
  auto token = parse_judge0_token(body);
  auto outcome = parse_judge0_submission(body);
  if (!token || *token != st->token || outcome.failure || !is_terminal_status(outcome.status_id))
    return metrics::count_judge0_callback("invalid");
  metrics::count_judge0_callback("accepted");
  settle(st, std::move(outcome));
}

void on_poll_answer(client_state* st, std::uint64_t gen, const http::client_response& res) {
  if (!current(st, gen)) return;
  observe(st, "poll", res, false);
  auto interval = effective_poll_interval(st->cfg->judge0_poll_interval, st->cfg->judge0_min_poll_interval);
  bool transient = !res.ok() || res.status >= 500;
  if (transient && ++st->poll_failures < kMaxPollFailures) return schedule_poll(st, gen, interval);
  if (!res.ok() || res.status < 200 || res.status >= 300) return fail(st, describe_http_failure("poll", res));
  st->poll_failures = 0;
  auto outcome = parse_judge0_submission(res.body);
  if (outcome.failure || is_terminal_status(outcome.status_id)) return settle(st, std::move(outcome));
  st->still_running_at = std::chrono::duration_cast<milliseconds>(st->call_started - st->created);
  schedule_poll(st, gen, interval);
}

// The next poll, `interval` from now. The io thread's timer sends it straight away, so the
// actor only hears the answer. Near the deadline a poll_atom comes back instead, to fail there.
// With callbacks on, only the slow fallback poll runs, sent by the actor so that a job settled by
// its callback costs no further call.
void schedule_poll(client_state* st, std::uint64_t gen, milliseconds interval) {
  // Never later than the deadline: poll_now then fails the job at once, freeing its slot.
  auto capped = [st](milliseconds wait) { return std::min(wait, std::max(remaining(st), milliseconds(1))); };
  if (st->cfg->judge0_callbacks)
    return st->time.send_later(st->self, capped(st->cfg->judge0_callback_fallback_poll), poll_atom::value, gen);
  if (remaining(st) <= interval) return st->time.send_later(st->self, capped(interval), poll_atom::value, gen);
  auto req = poll_request(st);
  req.timeout = call_timeout(st, interval);
  st->call_started = st->time.now() + interval;
  st->http->call_after(st->self, interval, std::move(req),
                      [st, gen](http::client_response& res) { on_poll_answer(st, gen, res); });
}

void post_submission(client_state* st, std::uint64_t gen);

void on_submit_answer(client_state* st, std::uint64_t gen, const http::client_response& res) {
  if (!current(st, gen)) return;
  bool queue_full =
      res.ok() && res.status == 503 && judge0_error_text(res.body).find("queue is full") != std::string::npos;
  observe(st, "submit", res, queue_full);
  if (queue_full) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto delay = backoff_delay_ms(++st->queue_full_retries, kQueueFullBaseMs, kQueueFullCapMs, unit(st->rng));
    log::debug("judge0 queue full, backing off", {{"delay_ms", delay}});
    return st->time.send_later(st->self, milliseconds(delay), submit_atom::value, gen);
  }
  // Judge0 never saw a request that failed before any byte left (refused, or a server pod being
  // replaced), so creating it again cannot run the testcase twice.
  if (!res.ok() && res.nothing_sent && !st->create_retried) {
    st->create_retried = true;
    note_retry(st, "create_not_sent");
    return post_submission(st, gen);
  }
  if (!res.ok() || res.status < 200 || res.status >= 300) return fail(st, describe_http_failure("submit", res));
  auto token = parse_judge0_token(res.body);
  if (!token) return fail(st, "Judge0 submit answer has no token");
  st->token = *token;
  st->created = st->time.now();
  st->still_running_at = milliseconds(0);
  if (st->early_callback) {
    auto body = std::move(*st->early_callback);
    st->early_callback.reset();
    on_callback(st, body);
    if (!current(st, gen)) return;
  }
  schedule_poll(st, gen, st->job->first_poll_delay);
}

// POST the job's submission. Runs once the breaker allowed the call.
void post_submission(client_state* st, std::uint64_t gen) {
  auto req = base_request(st, "POST", "/submissions?base64_encoded=true&wait=false");
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = judge0_submit_body(st->job->run, st->job->callback_url);
  call_judge0(st, std::move(req), [st, gen](http::client_response& res) { on_submit_answer(st, gen, res); });
}

void submit(client_state* st, std::uint64_t gen) {
  if (!current(st, gen)) return;
  if (remaining(st).count() <= 0) return fail(st, "deadline exceeded before Judge0 accepted the submission");
  if (st->breaker.view->clear()) return post_submission(st, gen);
  st->time.request(st->self, st->breaker.actor, local_reply_timeout(), allow_atom::value)
      .then(
          [st, gen](bool allowed) {
            if (!current(st, gen)) return;
            if (!allowed) return fail(st, "Judge0 unavailable (circuit breaker open)");
            post_submission(st, gen);
          },
          [st, gen](caf::error&) {
            if (current(st, gen)) fail(st, "Judge0 unavailable (circuit breaker not answering)");
          });
}

// A poll_atom arrives only when the deadline was too close to schedule a poll ahead.
void poll_now(client_state* st, std::uint64_t gen) {
  if (!current(st, gen)) return;
  if (remaining(st).count() <= 0) return fail(st, "deadline exceeded while waiting for Judge0");
  call_judge0(st, poll_request(st), [st, gen](http::client_response& res) { on_poll_answer(st, gen, res); });
}

}  // namespace

client_impl::behavior_type judge0_client(client_impl::stateful_pointer<client_state> self,
                                         std::shared_ptr<const config> cfg, http::outbound* out,
                                         timers time, breaker_handle breaker, caf::actor_addr pool) {
  // Continuations kept in the state (pending calls) hold this pointer; the state lives as long
  // as the actor.
  client_state* st = &self->state;
  st->self = self;
  st->cfg = std::move(cfg);
  st->http.emplace(*out);
  st->time = time;
  st->breaker = std::move(breaker);
  st->pool = std::move(pool);
  return {
      [self, st](run_atom, judge0_job& job) -> caf::result<judge0_outcome> {
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
        st->create_retried = false;
        st->internal_error_retries = 0;
        st->calls = 0;
        submit(st, st->generation);
        return rp;
      },
      [st](submit_atom, std::uint64_t gen) { submit(st, gen); },
      [st](poll_atom, std::uint64_t gen) { poll_now(st, gen); },
      [st](callback_atom, const std::string& key, const std::string& body) {
        if (!st->job || key != st->job->callback_key) return metrics::count_judge0_callback("late");
        if (st->token.empty()) {  // the create's answer is still on its way
          st->early_callback = body;
          return;
        }
        on_callback(st, body);
      },
      [st](http_done_atom, std::uint64_t id, http::client_response& res) { st->http->complete(id, res); },
  };
}

judge0_client_actor spawn_judge0_client(caf::local_actor* pool, std::shared_ptr<const config> cfg, http::outbound& out,
                                        timers time, breaker_handle breaker) {
  return pool->spawn<caf::linked>(judge0_client, std::move(cfg), &out, time, std::move(breaker), pool->address());
}

}  // namespace cx
