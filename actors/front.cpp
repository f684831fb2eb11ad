#include "actors/front.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <random>
#include <unordered_map>
#include <vector>

#include "actors/http_messages.hpp"
#include "actors/policy/auth.hpp"
#include "actors/policy/bucket_table.hpp"
#include "actors/policy/replay_guard.hpp"
#include "actors/policy/routing.hpp"
#include "actors/policy/signing.hpp"
#include "actors/reply_timeout.hpp"
#include "actors/submission_store.hpp"
#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/judge_answers.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/id_rules.hpp"
#include "messages/rate_messages.hpp"
#include "messages/wire_json.hpp"

namespace cx {
namespace {

using steady = std::chrono::steady_clock;

// Bounds of the in-memory tables (README): about 250 B a bucket, 150 B a signature.
constexpr std::size_t kMaxRateBuckets = 50000;
constexpr std::size_t kMaxSignatures = 100000;

// Adds the headers every answer carries and records the request's metrics, whoever answers.
class tracked_responder final : public http::responder {
 public:
  tracked_responder(http::responder_ptr inner, std::string request_id, route r, steady::time_point received,
                    timers time)
      : inner_(std::move(inner)), request_id_(std::move(request_id)), route_(r), received_(received), time_(time) {}

  void add_header(std::string name, std::string value) { extra_.push_back({std::move(name), std::move(value)}); }

  void send(http::response res) override {
    res.set_header("X-Request-Id", request_id_);
    for (auto& h : extra_) res.set_header(h.name, h.value);
    double secs = std::chrono::duration<double>(time_.now() - received_).count();
    metrics::observe_http(route_label(route_), res.status, secs);
    if (res.status >= 500 || log::enabled(log::level::debug)) {
      log::write(res.status >= 500 ? log::level::warn : log::level::debug, "http request",
                 {{"request_id", request_id_}, {"route", route_label(route_)}, {"status", res.status},
                  {"duration_us", static_cast<std::int64_t>(secs * 1e6)}});
    }
    inner_->send(std::move(res));
  }

  void on_client_gone(std::function<void()> f) override { inner_->on_client_gone(std::move(f)); }

 private:
  http::responder_ptr inner_;
  std::string request_id_;
  route route_;
  steady::time_point received_;
  timers time_;
  http::header_list extra_;
};

struct pending {
  http::request req;
  std::shared_ptr<tracked_responder> reply;
  std::string request_id;
  route r = route::none;
  steady::time_point received;
  int key_index = -1;
};
using pending_ptr = std::shared_ptr<pending>;

struct front_state {
  // Not an aggregate: CAF constructs states from the actor pointer when it can (C++20 paren-init).
  front_state() = default;
  std::shared_ptr<const config> cfg;
  front_deps deps;
  std::unique_ptr<bucket_table> limiter;
  replay_guard replays{kMaxSignatures};  // with Redis, the fallback while it is unreachable
  bool draining = false;  // readiness off
  bool refusing = false;  // judge routes answer 503
  std::uint64_t serial = 0;  // names each judge request handed to the supervisor
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr const char* name = "front";
};

using front_self = front_actor::stateful_pointer<front_state>;

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 2; ++i) {
    auto v = rng();
    for (int k = 0; k < 16; ++k) out += kHex[(v >> (k * 4)) & 15];
  }
  return out;
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  auto media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return http::iequals(media, "application/json");
}

std::int64_t now_ms(const timers& time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.now().time_since_epoch()).count();
}

void set_rate_headers(tracked_responder& reply, const config& cfg, const rate_decision& d) {
  reply.add_header("RateLimit-Policy", "\"default\";q=" + std::to_string(cfg.rate_limit_burst) + ";w=60");
  reply.add_header("RateLimit", "\"default\";r=" + std::to_string(d.remaining) + ";t=" +
                                    std::to_string(d.allowed ? d.reset_s : d.retry_after_s));
}

void answer_with(const pending_ptr& p, const judge_answer& a) { p->reply->send(http::respond(a)); }

void refuse(const pending_ptr& p, answer_kind kind) { answer_with(p, answer(kind, p->request_id)); }

// How long the supervisor may take to answer: a submission answers once mark-running did (its
// own request is bounded by CONVEX_TIMEOUT_MS), an inline judge by its deadline. Only an actor
// that died holding the request makes this fire.
std::chrono::milliseconds admit_timeout(const config& cfg, const judge_request&) {
  auto journal = cfg.submission_store == submission_store_kind::redis ? reply_timeout(kStoreCommandTimeout)
                                                                      : std::chrono::milliseconds(0);
  return reply_timeout(reply_timeout(cfg.convex_timeout) + journal);
}
std::chrono::milliseconds admit_timeout(const config& cfg, const inline_judge_request&) {
  return reply_timeout(reply_timeout(cfg.max_request_runtime));
}

// Both kinds go to the supervisor, which admits them against the same slots and queue.
void after_breaker(front_self self, const pending_ptr& p, std::variant<judge_request, inline_judge_request> body) {
  auto& st = self->state;
  request_ticket ticket{p->request_id, p->received, ++st.serial};
  std::visit(
      [&](auto& req) {
        auto timeout = admit_timeout(*st.cfg, req);
        constexpr bool is_inline = std::is_same_v<std::decay_t<decltype(req)>, inline_judge_request>;
        st.deps.time.request(self, st.deps.supervisor, timeout, admit_atom::value, std::move(req), ticket)
            .then([p](judge_answer& a) { answer_with(p, a); },
                  [p](caf::error&) { refuse(p, answer_kind::internal); });
        // After the admission is in the supervisor's mailbox, so that it knows the serial.
        if constexpr (is_inline) {
          p->reply->on_client_gone([sup = st.deps.supervisor, serial = ticket.serial] {
            caf::anon_send(sup, client_gone_atom::value, serial);
          });
        }
      },
      body);
}

void after_rate_limit(front_self self, const pending_ptr& p) {
  auto& st = self->state;
  const auto& cfg = *st.cfg;
  if (p->req.body_too_large) return refuse(p, answer_kind::too_large);
  if (!is_json_content_type(p->req.header_value("Content-Type"))) return refuse(p, answer_kind::unsupported_media_type);
  request_caps caps{cfg.max_source_bytes, cfg.max_testcases, cfg.max_stdin_bytes};
  std::variant<judge_request, inline_judge_request> body;
  request_error err;
  bool ok = false;
  if (p->r == route::judge_question) {
    auto parsed = parse_judge_request(p->req.body, caps);
    if ((ok = std::holds_alternative<judge_request>(parsed))) body = std::move(std::get<judge_request>(parsed));
    else err = std::move(std::get<request_error>(parsed));
  } else {
    auto parsed = parse_inline_judge_request(p->req.body, caps);
    if ((ok = std::holds_alternative<inline_judge_request>(parsed)))
      body = std::move(std::get<inline_judge_request>(parsed));
    else err = std::move(std::get<request_error>(parsed));
  }
  // Parsed: the request's answer may be minutes away (an inline run), and it must not hold the
  // raw body beside what the supervisor holds.
  std::string().swap(p->req.body);
  if (!ok) {
    auto a = answer(answer_kind::invalid, p->request_id);
    a.error = std::move(err);
    return answer_with(p, a);
  }
  if (st.refusing) return refuse(p, answer_kind::shutting_down);
  if (st.deps.breaker.view->clear()) return after_breaker(self, p, std::move(body));
  st.deps.time.request(self, st.deps.breaker.actor, local_reply_timeout(), rejecting_atom::value)
      .then(
          [self, p, body = std::move(body)](bool rejecting) mutable {
            if (rejecting) return refuse(p, answer_kind::breaker_open);
            after_breaker(self, p, std::move(body));
          },
          [p](caf::error&) { refuse(p, answer_kind::breaker_open); });
}

void apply_rate(front_self self, const pending_ptr& p, const rate_decision& d) {
  set_rate_headers(*p->reply, *self->state.cfg, d);
  if (!d.allowed) {
    metrics::count_rate_limited();
    auto a = answer(answer_kind::rate_limited, p->request_id);
    a.retry_after_s = d.retry_after_s;
    return answer_with(p, a);
  }
  after_rate_limit(self, p);
}

// Redis unreachable: fail open (go on unlimited) or closed (503), as configured.
void on_rate_backend_failure(front_self self, const pending_ptr& p) {
  bool open = self->state.cfg->rate_limit_fail_open;
  metrics::count_rate_limiter_error(open);
  if (open) return after_rate_limit(self, p);
  refuse(p, answer_kind::rate_limiter_unavailable);
}

void check_rate(front_self self, const pending_ptr& p) {
  auto& st = self->state;
  auto subject = p->req.header_value("X-Code-Exec-Subject");
  if (subject.size() > kMaxIdBytes) {
    auto a = answer(answer_kind::invalid, p->request_id);
    a.error.message = "X-Code-Exec-Subject exceeds " + std::to_string(kMaxIdBytes) + " bytes";
    a.error.details_json = boost::json::serialize(boost::json::object{{"maxBytes", kMaxIdBytes}});
    return answer_with(p, a);
  }
  std::string key = p->key_index >= 0 ? "key" + std::to_string(p->key_index) : "addr:" + p->req.remote_address;
  key += "|";
  key += subject;
  if (!st.deps.redis_limiter) return apply_rate(self, p, st.limiter->take(key, now_ms(st.deps.time)));
  st.deps.time.request(self, st.deps.redis_limiter, std::chrono::seconds(2), rate_atom::value, key)
      .then(
          [self, p](rate_answer& a) {
            if (!a.backend_failed) return apply_rate(self, p, a.decision);
            on_rate_backend_failure(self, p);
          },
          [self, p](caf::error&) { on_rate_backend_failure(self, p); });
}

void unauthorized(const pending_ptr& p, const char* reason) {
  log::info("unauthorized request", {{"request_id", p->request_id}, {"reason", reason}});
  refuse(p, answer_kind::unauthorized);
}

// A signature is good once. Every pod keeps its own record; with Redis the pods also share one,
// and either one having seen it refuses the request (while Redis is unreachable, the pod's own).
void check_replay(front_self self, const pending_ptr& p, std::int64_t now_s) {
  auto& st = self->state;
  std::string sig(p->req.header_value("X-Code-Exec-Signature"));
  auto ts = p->req.header_value("X-Code-Exec-Timestamp");
  std::int64_t signed_at = 0;
  std::from_chars(ts.data(), ts.data() + ts.size(), signed_at);
  const auto expires = signed_at + st.cfg->signature_tolerance.count();
  const bool first_here = st.replays.first_use(sig, expires, now_s);
  auto decide = [self, p](bool first) {
    if (!first) return unauthorized(p, "replayed");
    check_rate(self, p);
  };
  if (!st.deps.redis_limiter) return decide(first_here);
  st.deps.time.request(self, st.deps.redis_limiter, std::chrono::seconds(2), replay_atom::value, std::move(sig),
                std::max<std::int64_t>(1, expires - now_s + 1))
      .then([decide, first_here](replay_answer& a) { decide(first_here && (a.backend_failed || a.first_use)); },
            [decide, first_here](caf::error&) { decide(first_here); });
}

void judge_route(front_self self, const pending_ptr& p) {
  const auto& cfg = *self->state.cfg;
  if (!cfg.auth_disabled) {
    p->key_index = match_api_key(cfg.api_keys, p->req.header_value("X-Code-Exec-Key"));
    if (p->key_index < 0) return unauthorized(p, "api key");
  }
  if (!cfg.signing_secrets.empty()) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    auto ts = p->req.header_value("X-Code-Exec-Timestamp");
    auto sig = p->req.header_value("X-Code-Exec-Signature");
    // An unread (oversized) body cannot be hashed; its headers must still be valid and fresh.
    auto check = p->req.body_too_large
                     ? check_signature_headers(ts, sig, now.count(), cfg.signature_tolerance.count())
                     : verify_signature(cfg.signing_secrets, ts, sig, p->req.body, now.count(),
                                        cfg.signature_tolerance.count());
    if (check != signature_check::ok) return unauthorized(p, to_string(check));
    if (!p->req.body_too_large) return check_replay(self, p, now.count());
  }
  check_rate(self, p);
}

void readiness_route(front_self self, const pending_ptr& p) {
  if (self->state.draining) {
    metrics::set_ready(false);
    return p->reply->send(http::response::json(503, "{\"ok\":false,\"draining\":true}"));
  }
  self->state.deps.time.request(self, self->state.deps.readiness, self->state.cfg->readiness_timeout + std::chrono::seconds(3),
                probe_atom::value)
      .then(
          [p](bool ok, std::string& deps) {
            metrics::set_ready(ok);
            // {"ok":...} first, then each dependency's report.
            boost::json::object body{{"ok", ok}};
            boost::system::error_code ec;
            auto parsed = boost::json::parse(deps, ec);
            if (!ec && parsed.is_object())
              for (auto& kv : parsed.as_object()) body.emplace(kv.key(), std::move(kv.value()));
            p->reply->send(http::response::json(ok ? 200 : 503, boost::json::serialize(body)));
          },
          [p](caf::error&) {
            metrics::set_ready(false);
            p->reply->send(http::response::json(503, "{\"ok\":false,\"error\":\"readiness probe failed\"}"));
          });
}

void dispatch(front_self self, const pending_ptr& p) {
  auto m = match_route(p->req.method, p->req.path());
  p->r = m.r;
  if (m.status == 404) return refuse(p, answer_kind::not_found);
  if (m.status == 405) {
    auto a = answer(answer_kind::method_not_allowed, p->request_id);
    a.allow = m.allow;
    return answer_with(p, a);
  }
  switch (m.r) {
    case route::healthz:
      return p->reply->send(http::response::json(200, "{\"ok\":true}"));
    case route::readyz:
      return readiness_route(self, p);
    case route::metrics: {
      http::response res;
      res.body = metrics::render();
      res.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
      return p->reply->send(std::move(res));
    }
    case route::judge_question:
    case route::judge:
      return judge_route(self, p);
    case route::none:
      break;
  }
  refuse(p, answer_kind::not_found);
}

front_actor::behavior_type front(front_self self, std::shared_ptr<const config> cfg, front_deps deps) {
  self->state.cfg = cfg;
  self->state.deps = std::move(deps);
  self->state.limiter =
      std::make_unique<bucket_table>(cfg->rate_limit_per_minute, cfg->rate_limit_burst, kMaxRateBuckets);
  return {
      [self](incoming_request& in) {
        auto p = std::make_shared<pending>();
        p->received = in.received;
        auto given = in.req.header_value("X-Request-Id");
        p->request_id = valid_request_id(given) ? std::string(given) : new_request_id(self->state.rng);
        auto m = match_route(in.req.method, in.req.path());
        p->reply = std::make_shared<tracked_responder>(std::move(in.reply), p->request_id, m.r, p->received, self->state.deps.time);
        p->req = std::move(in.req);
        dispatch(self, p);
      },
      [self](drain_atom) { self->state.draining = true; },
      [self](refuse_atom) { self->state.refusing = true; },
  };
}

}  // namespace

front_actor spawn_front(caf::actor_system& sys, std::shared_ptr<const config> cfg, front_deps deps) {
  return sys.spawn(front, std::move(cfg), std::move(deps));
}

}  // namespace cx
