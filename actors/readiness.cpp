#include "actors/readiness.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <optional>

#include "actors/http_caller.hpp"
#include "actors/http_messages.hpp"
#include "actors/timers.hpp"
#include "messages/atoms.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

struct probe_result {
  bool ok = false;
  boost::json::object detail;
};

struct readiness_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  readiness_state() = default;
  std::shared_ptr<const config> cfg;
  std::optional<http_caller> http;
  timers time;  // the answer's cache age
  std::optional<steady::time_point> cached_at;
  bool cached_ok = false;
  std::string cached_json;
  std::vector<caf::response_promise> waiters;
  int outstanding = 0;
  probe_result judge0, convex, store;
  store_actor submission_store;  // probed too when set
  static constexpr const char* name = "readiness";
};

// The conversation plus the probes' HTTP completions.
using readiness_impl = readiness_actor::extend<caf::reacts_to<http_done_atom, std::uint64_t, http::client_response>>;
using readiness_self = readiness_impl::stateful_pointer<readiness_state>;

probe_result judge(const http::client_response& r, bool strict_2xx) {
  probe_result p;
  if (!r.ok()) {
    p.detail = {{"ok", false}, {"error", r.timed_out ? "timeout" : r.error}};
    return p;
  }
  p.ok = strict_2xx ? (r.status >= 200 && r.status < 300) : r.status < 500;
  p.detail = {{"ok", p.ok}, {"status", r.status}};
  return p;
}

void complete(readiness_self self) {
  auto& st = self->state;
  st.cached_ok = st.judge0.ok && st.convex.ok && (!st.submission_store || st.store.ok);
  boost::json::object o{{"judge0", st.judge0.detail}, {"convex", st.convex.detail}};
  if (st.submission_store) o["store"] = st.store.detail;
  st.cached_json = boost::json::serialize(o);
  st.cached_at = self->state.time.now();
  for (auto& rp : st.waiters) rp.deliver(st.cached_ok, st.cached_json);
  st.waiters.clear();
}

void probe(readiness_self self, std::string url, bool strict, probe_result readiness_state::*slot) {
  auto& st = self->state;
  http::client_request req;
  req.url = std::move(url);
  req.timeout = st.cfg->readiness_timeout;
  if (strict && !st.cfg->judge0_api_key.empty()) req.headers.push_back({"X-Auth-Token", st.cfg->judge0_api_key});
  st.http->call(self, std::move(req), [self, strict, slot](http::client_response& r) {
    self->state.*slot = judge(r, strict);
    if (--self->state.outstanding == 0) complete(self);
  });
}

void probe_store(readiness_self self) {
  auto done = [self](bool ok, std::string detail) {
    self->state.store.ok = ok;
    self->state.store.detail = {{"ok", ok}};
    auto parsed = boost::json::parse(detail);
    if (parsed.is_object()) self->state.store.detail = parsed.as_object();
    if (--self->state.outstanding == 0) complete(self);
  };
  self->state.time.request(self, self->state.submission_store, self->state.cfg->readiness_timeout, probe_atom::value)
      .then([done](bool ok, std::string& detail) { done(ok, std::move(detail)); },
            [done](caf::error&) { done(false, R"({"ok":false,"error":"timeout"})"); });
}

readiness_impl::behavior_type readiness(readiness_self self, std::shared_ptr<const config> cfg, http::outbound* out,
                                        timers time, store_actor store) {
  self->state.submission_store = store;
  self->state.cfg = cfg;
  self->state.http.emplace(*out);
  self->state.time = time;
  return {
      [self](probe_atom) -> caf::result<bool, std::string> {
        auto& st = self->state;
        if (st.cached_at && self->state.time.now() - *st.cached_at < st.cfg->readiness_cache)
          return caf::result<bool, std::string>(st.cached_ok, st.cached_json);
        auto rp = self->make_response_promise<bool, std::string>();
        st.waiters.push_back(rp);
        if (st.outstanding == 0) {
          st.outstanding = st.submission_store ? 3 : 2;
          probe(self, st.cfg->judge0_base_url + "/languages", true, &readiness_state::judge0);
          probe(self, st.cfg->convex_site_url + st.cfg->convex_health_path, false, &readiness_state::convex);
          if (st.submission_store) probe_store(self);
        }
        return rp;
      },
      [self](http_done_atom, std::uint64_t id, http::client_response& res) { self->state.http->complete(id, res); },
  };
}

}  // namespace

readiness_actor spawn_readiness(caf::actor_system& sys, std::shared_ptr<const config> cfg, http::outbound& out,
                                timers time, store_actor store) {
  return sys.spawn(readiness, std::move(cfg), &out, time, std::move(store));
}

}  // namespace cx
