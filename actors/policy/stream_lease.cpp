#include "actors/policy/stream_lease.hpp"

#include <algorithm>

namespace cx {

using std::chrono::milliseconds;

milliseconds claim_refresh_interval(const lease_policy& p) { return std::max(milliseconds(1), p.lease / 3); }

bool claim_refresh_due(std::chrono::steady_clock::time_point last_renewed, std::chrono::steady_clock::time_point now,
                       const lease_policy& p) {
  return now - last_renewed >= claim_refresh_interval(p);
}

milliseconds takeover_min_idle(const lease_policy& p) { return p.lease + milliseconds(1); }

bool claimable_by_peer(milliseconds idle, const lease_policy& p) { return idle >= takeover_min_idle(p); }

milliseconds takeover_sweep_interval(const lease_policy& p) {
  return std::min(milliseconds(1000), claim_refresh_interval(p));
}

bool unconfirmed_run_due(std::chrono::system_clock::time_point accepted_at, std::chrono::system_clock::time_point now,
                         milliseconds mark_running_bound) {
  return now >= accepted_at + mark_running_bound;
}

milliseconds release_idle(const lease_policy& p) { return takeover_min_idle(p); }

std::int64_t release_retry_count(std::int64_t deliveries) { return std::max<std::int64_t>(0, deliveries - 1); }

delivery_action decide_delivery(std::int64_t deliveries, std::chrono::system_clock::time_point deadline,
                                std::chrono::system_clock::time_point now, const lease_policy& p) {
  if (deliveries > p.max_attempts) return delivery_action::abandon;
  if (now >= deadline) return delivery_action::deadline_passed;
  return delivery_action::run;
}

std::string abandoned_message(int attempts) {
  return "abandoned after " + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

milliseconds remaining_runtime(std::chrono::system_clock::time_point deadline,
                               std::chrono::system_clock::time_point now) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - now));
}

milliseconds duplicate_mark_ttl(const lease_policy& p, milliseconds max_runtime, milliseconds result_delivery) {
  return max_runtime + std::max(1, p.max_attempts) * (p.lease + result_delivery);
}

std::int64_t shared_backlog(std::int64_t stream_length, std::int64_t pending) {
  return std::max<std::int64_t>(0, stream_length - pending);
}

bool backlog_full(std::int64_t backlog, int max_queued) { return backlog >= max_queued; }

int read_count(int active, int max_active) { return std::max(0, max_active - active); }

namespace {

std::string sanitised(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-';
    if (!safe) c = '_';
  }
  return out;
}

}  // namespace

std::string consumer_name(std::string_view pod_name, std::string_view host, std::int64_t pid) {
  if (!pod_name.empty()) return sanitised(pod_name.substr(0, kMaxConsumerNameBytes));
  auto suffix = "-" + std::to_string(pid);
  auto base = sanitised(host.empty() ? std::string_view("host") : host);
  base.resize(std::min(base.size(), kMaxConsumerNameBytes - suffix.size()));
  return base + suffix;
}

}  // namespace cx
