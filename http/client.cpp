#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <map>
#include <mutex>
#include <optional>

#include "http/io_runtime_impl.hpp"
#include "http/url.hpp"

namespace cx::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One reusable connection; exactly one of the two streams is set.
struct connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<tls_stream> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
  template <class F>
  void with_stream(F&& f) {
    if (plain) f(*plain);
    else f(*tls);
  }
};

constexpr std::size_t kMaxIdlePerHost = 64;

}  // namespace

struct client::impl : std::enable_shared_from_this<client::impl> {
  explicit impl(asio::io_context& c) : ioc(c) {}

  // Built on first https use: loading the CA bundle costs tens of milliseconds at start.
  ssl::context& tls() {
    std::call_once(tls_once, [this] {
      tls_ctx.emplace(ssl::context::tls_client);
      tls_ctx->set_default_verify_paths();
      tls_ctx->set_verify_mode(ssl::verify_peer);
    });
    return *tls_ctx;
  }

  std::unique_ptr<connection> take_idle(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = idle.find(key);
    if (it == idle.end() || it->second.empty()) return nullptr;
    auto c = std::move(it->second.back());
    it->second.pop_back();
    return c;
  }

  void give_back(const std::string& key, std::unique_ptr<connection> c) {
    std::lock_guard<std::mutex> lock(mutex);
    auto& v = idle[key];
    if (v.size() < kMaxIdlePerHost) v.push_back(std::move(c));
  }

  asio::io_context& ioc;
  std::once_flag tls_once;
  std::optional<ssl::context> tls_ctx;
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;
};

namespace {

class call : public std::enable_shared_from_this<call> {
 public:
  call(std::shared_ptr<client::impl> owner, url_parts url, client_request req,
       std::function<void(client_response)> done)
      : owner_(std::move(owner)),
        url_(std::move(url)),
        req_(std::move(req)),
        done_(std::move(done)),
        resolver_(asio::make_strand(owner_->ioc)),
        deadline_(std::chrono::steady_clock::now() + req_.timeout) {
    key_ = (url_.tls ? "https://" : "http://") + url_.host + ":" + std::to_string(url_.port);
    msg_.version(11);
    msg_.method_string(req_.method);
    msg_.target(url_.target);
    msg_.set(bhttp::field::host, url_.host);
    msg_.set(bhttp::field::user_agent, "code-exec");
    for (auto& h : req_.headers) msg_.set(h.name, h.value);
    msg_.body() = req_.body;
    if (!req_.body.empty() || req_.method == "POST" || req_.method == "PUT") msg_.prepare_payload();
    msg_.keep_alive(true);
  }

  void start() {
    if (auto c = owner_->take_idle(key_)) {
      conn_ = std::move(c);
      reused_ = true;
      return send();
    }
    connect();
  }

 private:
  std::chrono::steady_clock::duration remaining() const {
    auto left = deadline_ - std::chrono::steady_clock::now();
    return left > std::chrono::steady_clock::duration::zero() ? left : std::chrono::milliseconds(1);
  }

  bool expired() const { return std::chrono::steady_clock::now() >= deadline_; }

  void connect() {
    reused_ = false;
    conn_ = std::make_unique<connection>();
    auto strand = asio::make_strand(owner_->ioc);
    if (url_.tls) {
      conn_->tls.emplace(strand, owner_->tls());
      if (!SSL_set_tlsext_host_name(conn_->tls->native_handle(), url_.host.c_str())) {
        return finish_error("TLS SNI setup failed", false);
      }
      conn_->tls->set_verify_callback(ssl::host_name_verification(url_.host));
    } else {
      conn_->plain.emplace(strand);
    }
    // The resolver has no timeout of its own; the overall deadline is enforced on connect.
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                              if (ec) return self->finish_error("resolve failed: " + ec.message(), false);
                              if (self->expired()) return self->finish_error("timeout", true);
                              self->conn_->lowest().expires_after(self->remaining());
                              self->conn_->lowest().async_connect(
                                  r, [self](beast::error_code cec, const tcp::endpoint&) { self->on_connect(cec); });
                            });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return finish_error("connect failed: " + ec.message(), ec == beast::error::timeout);
    beast::error_code ignored;
    conn_->lowest().socket().set_option(tcp::no_delay(true), ignored);
    if (!url_.tls) return send();
    conn_->lowest().expires_after(remaining());
    conn_->tls->async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code hec) {
      if (hec) return self->finish_error("TLS handshake failed: " + hec.message(), hec == beast::error::timeout);
      self->send();
    });
  }

  void send() {
    conn_->lowest().expires_after(remaining());
    conn_->with_stream([&](auto& s) {
      bhttp::async_write(s, msg_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->retry_or_fail("write failed: " + ec.message(), ec);
        self->read();
      });
    });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(req_.max_response_bytes);
    conn_->with_stream([&](auto& s) {
      bhttp::async_read(s, conn_->buffer, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        if (ec) {
          if (n == 0) return self->retry_or_fail("read failed: " + ec.message(), ec);
          return self->finish_error("read failed: " + ec.message(), ec == beast::error::timeout);
        }
        self->on_response();
      });
    });
  }

  // A pooled connection may have been closed by the peer while idle: try once on a new one.
  void retry_or_fail(const std::string& what, beast::error_code ec) {
    if (reused_ && ec != beast::error::timeout && !expired()) {
      conn_.reset();
      return connect();
    }
    finish_error(what, ec == beast::error::timeout);
  }

  void on_response() {
    auto& res = parser_->get();
    client_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    out.body = std::move(res.body());
    if (res.keep_alive()) {
      conn_->lowest().expires_never();
      owner_->give_back(key_, std::move(conn_));
    }
    complete(std::move(out));
  }

  void finish_error(std::string what, bool timed_out) {
    client_response out;
    out.timed_out = timed_out;
    out.error = timed_out ? "timeout" : std::move(what);
    complete(std::move(out));
  }

  void complete(client_response r) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(r));
  }

  std::shared_ptr<client::impl> owner_;
  url_parts url_;
  client_request req_;
  std::function<void(client_response)> done_;
  tcp::resolver resolver_;
  std::chrono::steady_clock::time_point deadline_;
  std::string key_;
  bhttp::request<bhttp::string_body> msg_;
  std::unique_ptr<connection> conn_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  bool reused_ = false;
};

}  // namespace

client::client(io_runtime& io) : impl_(std::make_shared<impl>(io.get().ioc)) {}
client::~client() = default;

void client::send(client_request req, std::function<void(client_response)> done) {
  auto url = parse_url(req.url);
  if (!url) {
    client_response r;
    r.error = "invalid URL";
    asio::post(impl_->ioc, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    return;
  }
  std::make_shared<call>(impl_, std::move(*url), std::move(req), std::move(done))->start();
}

}  // namespace cx::http
