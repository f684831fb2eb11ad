// The service's Prometheus metrics (contract §2.5). prometheus-cpp stays in metrics.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cx::metrics {

void init(std::string_view version);
void set_active_submissions(int n);
void set_queued_submissions(int n);
void set_queued_bytes(std::size_t n);
void set_admission_limits(int max_active, int max_queued, std::size_t max_queued_bytes);
void set_ready(bool ready);  // the last /readyz answer
void count_submission(std::string_view outcome);
void observe_http(std::string_view route, int code, double seconds);
void observe_judge0(std::string_view op, std::string_view result, double seconds);
// A Judge0 call or testcase tried again: "create_not_sent", "internal_error".
void count_judge0_retry(std::string_view reason);
// A Judge0 callback PUT: "accepted", "invalid", "late", "unknown", "bad_secret".
void count_judge0_callback(std::string_view result);
void set_breaker_state(int state);  // 0 closed, 1 open, 2 half-open
void count_rate_limited();
void count_rate_limiter_error(bool fail_open);
// One Convex call (every attempt): counted by route and result, its duration by route.
void observe_callback(std::string_view route, std::string_view result, double seconds);
void count_undelivered_result();
// SUBMISSION_STORE=redis: the shared backlog; a failed store command ("journal", "remove",
// "refresh", "read", ...); an entry "taken_over" from a peer or "released" on drain.
void set_submission_backlog(std::int64_t n);
void count_store_error(std::string_view op);
void count_store_handoff(std::string_view kind);
void set_open_connections(int n);
void count_connection_rejected(std::string_view reason);  // cap_evicted_idle, cap_refused
void count_accept_error(std::string_view reason);         // emfile, enfile, enobufs, enomem
// Text exposition format 0.0.4.
std::string render();

}  // namespace cx::metrics
