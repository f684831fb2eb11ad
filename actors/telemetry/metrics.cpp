#include "actors/telemetry/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace cx::metrics {
namespace {

using label_values = std::initializer_list<std::pair<const char*, std::string_view>>;

// Family::Add builds and hashes a label map on every call; the hot paths find their time
// series here by the joined label values instead. Label values come from small fixed sets.
template <class M>
class series_cache {
 public:
  explicit series_cache(prometheus::Family<M>& f) : family_(f) {}

  template <class... Args>
  M& get(label_values labels, const Args&... args) {
    std::string key;
    for (const auto& l : labels) key.append(l.second).push_back('\x1f');
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) return *it->second;
    std::map<std::string, std::string> m;
    for (const auto& l : labels) m.emplace(l.first, std::string(l.second));
    M& metric = family_.Add(m, args...);
    series_.emplace(std::move(key), &metric);
    return metric;
  }

 private:
  prometheus::Family<M>& family_;
  std::mutex mutex_;
  std::unordered_map<std::string, M*> series_;
};

struct families {
  explicit families(prometheus::Registry& r)
      : active(prometheus::BuildGauge()
                   .Name("code_exec_active_submissions")
                   .Help("Submission actors judging right now (the HPA metric)")
                   .Register(r)
                   .Add({})),
        queued(prometheus::BuildGauge()
                   .Name("code_exec_queued_submissions")
                   .Help("Accepted submissions waiting for a judging slot")
                   .Register(r)
                   .Add({})),
        queued_bytes(prometheus::BuildGauge()
                         .Name("code_exec_queued_bytes")
                         .Help("Request bytes (source code, inline testcases) waiting for a judging slot")
                         .Register(r)
                         .Add({})),
        admission_limit(prometheus::BuildGauge()
                            .Name("code_exec_admission_limit")
                            .Help("Configured admission bounds: active and queued submissions, queued bytes")
                            .Register(r)),
        ready(prometheus::BuildGauge()
                  .Name("code_exec_ready")
                  .Help("1 when the last /readyz answered 200, else 0")
                  .Register(r)
                  .Add({})),
        submissions(prometheus::BuildCounter()
                        .Name("code_exec_submissions_total")
                        .Help("Finished submissions by outcome")
                        .Register(r)),
        http_requests(prometheus::BuildCounter()
                          .Name("code_exec_http_requests_total")
                          .Help("HTTP requests by route and status code")
                          .Register(r)),
        http_duration(prometheus::BuildHistogram()
                          .Name("code_exec_http_request_duration_seconds")
                          .Help("Time to answer an HTTP request")
                          .Register(r)),
        judge0_requests(prometheus::BuildCounter()
                            .Name("code_exec_judge0_requests_total")
                            .Help("Judge0 HTTP calls by operation and result")
                            .Register(r)),
        judge0_duration(prometheus::BuildHistogram()
                            .Name("code_exec_judge0_request_duration_seconds")
                            .Help("Duration of Judge0 HTTP calls")
                            .Register(r)),
        judge0_retries(prometheus::BuildCounter()
                           .Name("code_exec_judge0_retries_total")
                           .Help("Judge0 creates and testcases tried again, by reason")
                           .Register(r)),
        judge0_callbacks(prometheus::BuildCounter()
                             .Name("code_exec_judge0_callbacks_total")
                             .Help("Judge0 callback PUTs, by result")
                             .Register(r)),
        breaker(prometheus::BuildGauge()
                    .Name("code_exec_circuit_breaker_state")
                    .Help("Judge0 circuit breaker: 0 closed, 1 open, 2 half-open")
                    .Register(r)
                    .Add({})),
        rate_limited(prometheus::BuildCounter()
                         .Name("code_exec_rate_limited_total")
                         .Help("Requests refused by the rate limit")
                         .Register(r)
                         .Add({})),
        rate_limiter_errors(prometheus::BuildCounter()
                                .Name("code_exec_rate_limiter_errors_total")
                                .Help("Rate-limit decisions made without Redis, by the mode applied")
                                .Register(r)),
        callbacks(prometheus::BuildCounter()
                      .Name("code_exec_callbacks_total")
                      .Help("Convex callbacks by route and result")
                      .Register(r)),
        callback_duration(prometheus::BuildHistogram()
                              .Name("code_exec_callback_duration_seconds")
                              .Help("Duration of Convex calls, each attempt")
                              .Register(r)),
        undelivered(prometheus::BuildCounter()
                        .Name("code_exec_results_undelivered_total")
                        .Help("Final results that could not be delivered to Convex")
                        .Register(r)
                        .Add({})),
        open_connections(prometheus::BuildGauge()
                             .Name("code_exec_open_connections")
                             .Help("Inbound HTTP connections open right now")
                             .Register(r)
                             .Add({})),
        connections_rejected(prometheus::BuildCounter()
                                 .Name("code_exec_connections_rejected_total")
                                 .Help("Inbound connections closed or refused at the connection cap, by reason")
                                 .Register(r)),
        accept_errors(prometheus::BuildCounter()
                          .Name("code_exec_accept_errors_total")
                          .Help("Failed accepts of inbound connections, by reason")
                          .Register(r)),
        backlog(prometheus::BuildGauge()
                    .Name("code_exec_submission_backlog")
                    .Help("SUBMISSION_STORE=redis: entries of the shared stream that no pod holds yet")
                    .Register(r)
                    .Add({})),
        store_errors(prometheus::BuildCounter()
                         .Name("code_exec_submission_store_errors_total")
                         .Help("Submission store commands that Redis did not carry out, by operation")
                         .Register(r)),
        store_handoffs(prometheus::BuildCounter()
                           .Name("code_exec_submission_handoffs_total")
                           .Help("Stream entries taken over from a peer (taken_over) or given back on drain (released)")
                           .Register(r)),
        build_info(prometheus::BuildGauge()
                       .Name("code_exec_build_info")
                       .Help("Build information")
                       .Register(r)) {}

  prometheus::Gauge& active;
  prometheus::Gauge& queued;
  prometheus::Gauge& queued_bytes;
  prometheus::Family<prometheus::Gauge>& admission_limit;
  prometheus::Gauge& ready;
  series_cache<prometheus::Counter> submissions;
  series_cache<prometheus::Counter> http_requests;
  series_cache<prometheus::Histogram> http_duration;
  series_cache<prometheus::Counter> judge0_requests;
  series_cache<prometheus::Histogram> judge0_duration;
  series_cache<prometheus::Counter> judge0_retries;
  series_cache<prometheus::Counter> judge0_callbacks;
  prometheus::Gauge& breaker;
  prometheus::Counter& rate_limited;
  series_cache<prometheus::Counter> rate_limiter_errors;
  series_cache<prometheus::Counter> callbacks;
  series_cache<prometheus::Histogram> callback_duration;
  prometheus::Counter& undelivered;
  prometheus::Gauge& open_connections;
  series_cache<prometheus::Counter> connections_rejected;
  series_cache<prometheus::Counter> accept_errors;
  prometheus::Gauge& backlog;
  series_cache<prometheus::Counter> store_errors;
  series_cache<prometheus::Counter> store_handoffs;
  prometheus::Family<prometheus::Gauge>& build_info;
};

const prometheus::Histogram::BucketBoundaries kLatency{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                       0.25,  0.5,    1,     2.5,  5,     10,   30};

prometheus::Registry& registry() {
  static prometheus::Registry r;
  return r;
}

families& f() {
  static families fam(registry());
  return fam;
}

}  // namespace

void init(std::string_view version) {
  f().build_info.Add({{"version", std::string(version)}}).Set(1);
  f().breaker.Set(0);
}

void set_active_submissions(int n) { f().active.Set(n); }
void set_queued_submissions(int n) { f().queued.Set(n); }
void set_queued_bytes(std::size_t n) { f().queued_bytes.Set(static_cast<double>(n)); }
void set_admission_limits(int max_active, int max_queued, std::size_t max_queued_bytes) {
  f().admission_limit.Add({{"resource", "active"}}).Set(max_active);
  f().admission_limit.Add({{"resource", "queued"}}).Set(max_queued);
  f().admission_limit.Add({{"resource", "queued_bytes"}}).Set(static_cast<double>(max_queued_bytes));
}
void set_ready(bool ready) { f().ready.Set(ready ? 1 : 0); }
void count_submission(std::string_view outcome) { f().submissions.get({{"outcome", outcome}}).Increment(); }

void observe_http(std::string_view route, int code, double seconds) {
  f().http_requests.get({{"route", route}, {"code", std::to_string(code)}}).Increment();
  f().http_duration.get({{"route", route}}, kLatency).Observe(seconds);
}

void observe_judge0(std::string_view op, std::string_view result, double seconds) {
  f().judge0_requests.get({{"op", op}, {"result", result}}).Increment();
  f().judge0_duration.get({{"op", op}}, kLatency).Observe(seconds);
}

void count_judge0_retry(std::string_view reason) { f().judge0_retries.get({{"reason", reason}}).Increment(); }
void count_judge0_callback(std::string_view result) {
  f().judge0_callbacks.get({{"result", result}}).Increment();
}

void set_breaker_state(int state) { f().breaker.Set(state); }
void count_rate_limited() { f().rate_limited.Increment(); }
void count_rate_limiter_error(bool fail_open) {
  f().rate_limiter_errors.get({{"mode", fail_open ? "fail_open" : "fail_closed"}}).Increment();
}
void observe_callback(std::string_view route, std::string_view result, double seconds) {
  f().callbacks.get({{"route", route}, {"result", result}}).Increment();
  f().callback_duration.get({{"route", route}}, kLatency).Observe(seconds);
}
void count_undelivered_result() { f().undelivered.Increment(); }
void set_submission_backlog(std::int64_t n) { f().backlog.Set(static_cast<double>(n)); }
void count_store_error(std::string_view op) { f().store_errors.get({{"op", op}}).Increment(); }
void count_store_handoff(std::string_view kind) { f().store_handoffs.get({{"kind", kind}}).Increment(); }
void set_open_connections(int n) { f().open_connections.Set(n); }
void count_connection_rejected(std::string_view reason) {
  f().connections_rejected.get({{"reason", reason}}).Increment();
}
void count_accept_error(std::string_view reason) { f().accept_errors.get({{"reason", reason}}).Increment(); }

std::string render() {
  prometheus::TextSerializer s;
  return s.Serialize(registry().Collect());
}

}  // namespace cx::metrics
