#include "http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <map>
#include <mutex>
#include <optional>

#include "http/io_runtime_impl.hpp"
#include "http/wire.hpp"
#include "messages/url.hpp"

namespace cx::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// One reusable connection; exactly one of the two streams is set.
struct connection {
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;

  tcp::socket& lowest() { return plain ? *plain : tls->next_layer(); }
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

// One outbound call. The io runtime has a single thread, so every completion handler runs
// there, one at a time. Only start() runs on the caller's thread; `mutex_` keeps the deadline
// timer's handler from closing the socket while start() is still setting the call up.
class call : public std::enable_shared_from_this<call> {
 public:
  call(std::shared_ptr<client::impl> owner, url_parts url, client_request req, std::string wire,
       std::function<void(client_response)> done)
      : owner_(std::move(owner)),
        url_(std::move(url)),
        req_(std::move(req)),
        wire_(std::move(wire)),
        done_(std::move(done)),
        timer_(owner_->ioc) {
    key_ = (url_.tls ? "https://" : "http://") + url_.host + ":" + std::to_string(url_.port);
  }

  void start() {
    std::lock_guard<std::mutex> lock(mutex_);
    timer_.expires_after(req_.timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->on_deadline();
    });
    if (auto c = owner_->take_idle(key_)) {
      conn_ = std::move(c);
      reused_ = true;
      return send();
    }
    connect();
  }

 private:
  void on_deadline() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!done_) return;
    timed_out_ = true;
    if (resolver_) resolver_->cancel();
    beast::error_code ignored;
    if (conn_) conn_->lowest().close(ignored);
  }

  void connect() {
    reused_ = false;
    conn_ = std::make_unique<connection>();
    if (url_.tls) {
      conn_->tls.emplace(owner_->ioc, owner_->tls());
      if (!SSL_set_tlsext_host_name(conn_->tls->native_handle(), url_.host.c_str())) {
        return post_error("TLS SNI setup failed");
      }
      conn_->tls->set_verify_callback(ssl::host_name_verification(url_.host));
    } else {
      conn_->plain.emplace(owner_->ioc);
    }
    resolver_.emplace(owner_->ioc);
    resolver_->async_resolve(url_.host, std::to_string(url_.port),
                             [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                               if (ec) return self->fail("resolve failed", ec);
                               asio::async_connect(self->conn_->lowest(), r,
                                                   [self](beast::error_code cec, const tcp::endpoint&) {
                                                     self->on_connect(cec);
                                                   });
                             });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect failed", ec);
    beast::error_code ignored;
    conn_->lowest().set_option(tcp::no_delay(true), ignored);
    if (!url_.tls) return send();
    conn_->tls->async_handshake(ssl::stream_base::client, [self = shared_from_this()](beast::error_code hec) {
      if (hec) return self->fail("TLS handshake failed", hec);
      self->send();
    });
  }

  void send() {
    writing_ = true;
    conn_->with_stream([&](auto& s) {
      asio::async_write(s, asio::buffer(wire_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->retry_or_fail("write failed", ec);
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
          if (n == 0) return self->retry_or_fail("read failed", ec);
          return self->fail("read failed", ec);
        }
        self->on_response();
      });
    });
  }

  // A pooled connection may have been closed by the peer while idle: try once on a new one.
  void retry_or_fail(const char* what, beast::error_code ec) {
    if (reused_ && !timed_out_) {
      conn_.reset();
      return connect();
    }
    fail(what, ec);
  }

  void on_response() {
    auto& res = parser_->get();
    client_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    out.body = std::move(res.body());
    if (res.keep_alive() && !timed_out_) owner_->give_back(key_, std::move(conn_));
    complete(std::move(out));
  }

  void fail(const char* what, beast::error_code ec) {
    client_response out;
    out.timed_out = timed_out_;
    out.nothing_sent = !writing_;
    out.error = timed_out_ ? "timeout" : std::string(what) + ": " + ec.message();
    complete(std::move(out));
  }

  // Set-up errors inside start() must not complete on the caller's thread.
  void post_error(std::string what) {
    asio::post(owner_->ioc, [self = shared_from_this(), what = std::move(what)]() mutable {
      client_response out;
      out.error = std::move(what);
      self->complete(std::move(out));
    });
  }

  void complete(client_response r) {
    std::function<void(client_response)> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!done_) return;
      done = std::move(done_);
      done_ = nullptr;
    }
    timer_.cancel();
    done(std::move(r));
  }

  std::shared_ptr<client::impl> owner_;
  url_parts url_;
  client_request req_;
  std::string wire_;
  std::function<void(client_response)> done_;
  asio::steady_timer timer_;
  std::mutex mutex_;
  bool timed_out_ = false;
  std::string key_;
  std::optional<tcp::resolver> resolver_;
  std::unique_ptr<connection> conn_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  bool reused_ = false;
  bool writing_ = false;  // a write of the request started: some of it may have reached the peer
};

}  // namespace

client::client(io_runtime& io) : io_(&io), impl_(std::make_shared<impl>(io.get().ioc)) {}
client::~client() = default;

void client::send_after(std::chrono::milliseconds delay, client_request req, client_done done) {
  io_->after(delay, [this, req = std::move(req), done = std::move(done)]() mutable {
    send(std::move(req), std::move(done));
  });
}

void client::send(client_request req, client_done done) {
  auto fail_now = [this, &done](const char* why) {
    client_response r;
    r.error = why;
    asio::post(impl_->ioc, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  auto url = parse_url(req.url);
  if (!url) return fail_now("invalid URL");
  auto wire = serialize_request(req, *url);
  if (!wire) return fail_now("invalid header");
  std::make_shared<call>(impl_, std::move(*url), std::move(req), std::move(*wire), std::move(done))->start();
}

}  // namespace cx::http
