#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>

namespace cx::metrics {
namespace {

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
        undelivered(prometheus::BuildCounter()
                        .Name("code_exec_results_undelivered_total")
                        .Help("Final results that could not be delivered to Convex")
                        .Register(r)
                        .Add({})),
        build_info(prometheus::BuildGauge()
                       .Name("code_exec_build_info")
                       .Help("Build information")
                       .Register(r)) {}

  prometheus::Gauge& active;
  prometheus::Gauge& queued;
  prometheus::Family<prometheus::Counter>& submissions;
  prometheus::Family<prometheus::Counter>& http_requests;
  prometheus::Family<prometheus::Histogram>& http_duration;
  prometheus::Family<prometheus::Counter>& judge0_requests;
  prometheus::Family<prometheus::Histogram>& judge0_duration;
  prometheus::Gauge& breaker;
  prometheus::Counter& rate_limited;
  prometheus::Family<prometheus::Counter>& rate_limiter_errors;
  prometheus::Family<prometheus::Counter>& callbacks;
  prometheus::Counter& undelivered;
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
void count_submission(std::string_view outcome) { f().submissions.Add({{"outcome", std::string(outcome)}}).Increment(); }

void observe_http(std::string_view route, int code, double seconds) {
  f().http_requests.Add({{"route", std::string(route)}, {"code", std::to_string(code)}}).Increment();
  f().http_duration.Add({{"route", std::string(route)}}, kLatency).Observe(seconds);
}

void observe_judge0(std::string_view op, std::string_view result, double seconds) {
  f().judge0_requests.Add({{"op", std::string(op)}, {"result", std::string(result)}}).Increment();
  f().judge0_duration.Add({{"op", std::string(op)}}, kLatency).Observe(seconds);
}

void set_breaker_state(int state) { f().breaker.Set(state); }
void count_rate_limited() { f().rate_limited.Increment(); }
void count_rate_limiter_error(bool fail_open) {
  f().rate_limiter_errors.Add({{"mode", fail_open ? "fail_open" : "fail_closed"}}).Increment();
}
void count_callback(std::string_view route, std::string_view result) {
  f().callbacks.Add({{"route", std::string(route)}, {"result", std::string(result)}}).Increment();
}
void count_undelivered_result() { f().undelivered.Increment(); }

std::string render() {
  prometheus::TextSerializer s;
  return s.Serialize(registry().Collect());
}

}  // namespace cx::metrics
