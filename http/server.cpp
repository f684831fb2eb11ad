#include "http/server.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/intrusive/list.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <stdexcept>
#include <vector>

#include "actors/telemetry/log.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/io_runtime_impl.hpp"
#include "http/json_errors.hpp"
#include "http/request_reader.hpp"
#include "http/wire.hpp"

namespace cx::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bi = boost::intrusive;
using tcp = asio::ip::tcp;

namespace {

struct listener_state;

// Links a session into the list of those waiting for a request's headers; unlinks itself.
using header_wait_hook = bi::list_base_hook<bi::link_mode<bi::auto_unlink>>;

// Everything below runs on the io thread (one thread: no locks), except session_responder's
// public methods, which post there.
class session : public header_wait_hook, public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<listener_state> state);
  ~session();

  void start() { next_request(); }
  void write(response res);
  // Registers f for request number `request_no` (a later request ignores it).
  void add_gone_callback(std::uint64_t request_no, std::function<void()> f);
  // Closes a connection waiting for headers to make room at the connection cap.
  void evict();

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void next_request();
  void pump();
  void read_more();
  void on_headers();
  void send_continue();
  void dispatch();
  void fail();
  void watch_client();
  void on_client_readable();
  void close();

  beast::tcp_stream stream_;
  std::shared_ptr<listener_state> state_;
  const server_options& opts_;
  request_reader reader_;
  bool close_after_ = false;
  bool head_request_ = false;  // the answer leaves its body out
  bool closed_ = false;
  bool handling_ = false;  // a handler owns the current request
  bool watching_ = false;  // an async_wait for the client leaving is pending
  bool client_gone_ = false;
  std::uint64_t request_no_ = 0;
  std::vector<std::function<void()>> on_gone_;
};

struct listener_state {
  listener_state(server_options o, request_handler h) : opts(std::move(o)), handler(std::move(h)) {}
  server_options opts;
  request_handler handler;
  std::size_t cap = 0;  // effective connection cap
  std::size_t open = 0;
  // Oldest first: the order in which sessions began waiting for their next request's headers.
  bi::list<session, bi::constant_time_size<false>> waiting;
};

class session_responder final : public responder {
 public:
  session_responder(std::shared_ptr<session> s, std::uint64_t request_no)
      : session_(std::move(s)), request_no_(request_no) {}
  ~session_responder() override;
  void send(response res) override;
  void on_client_gone(std::function<void()> f) override;

 private:
  std::shared_ptr<session> session_;
  std::uint64_t request_no_;
  std::atomic<bool> sent_{false};
};

session::session(tcp::socket socket, std::shared_ptr<listener_state> state)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      opts_(state_->opts),
      reader_({opts_.max_header_bytes, opts_.max_body_bytes}, [this] {
        beast::error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        return ec ? std::string() : ep.address().to_string();
      }()) {
  metrics::set_open_connections(static_cast<int>(++state_->open));
}

session::~session() { close(); }

void session::next_request() {
  reader_.start_next();
  close_after_ = false;
  head_request_ = false;
  client_gone_ = false;
  state_->waiting.push_back(*this);
  stream_.expires_after(opts_.idle_timeout);
  pump();
}

void session::pump() {
  switch (reader_.advance()) {
    case request_reader::status::need_more:
      return read_more();
    case request_reader::status::headers_ready:
      return on_headers();
    case request_reader::status::complete:
      return dispatch();
    case request_reader::status::failed:
      return fail();
  }
}

void session::read_more() {
  auto space = reader_.read_space();
  stream_.async_read_some(asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec == asio::error::eof) {
                              self->reader_.commit_eof();
                            } else if (ec) {
                              return self->close();  // timeout, reset, eviction
                            } else {
                              self->reader_.commit(n);
                            }
                            self->pump();
                          });
}

void session::on_headers() {
  unlink();
  if (opts_.wants_body && !opts_.wants_body(reader_.head())) {
    reader_.skip_body();
    return pump();
  }
  reader_.accept_body();
  stream_.expires_after(opts_.read_timeout);
  if (reader_.expects_continue()) return send_continue();
  pump();
}

void session::send_continue() {
  static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  stream_.expires_after(opts_.write_timeout);
  asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    self->stream_.expires_after(self->opts_.read_timeout);
    self->pump();
  });
}

void session::dispatch() {
  unlink();
  request req = reader_.take();
  head_request_ = req.method == "HEAD";
  if (req.body_too_large || req.body_unread) close_after_ = true;
  stream_.expires_never();
  handling_ = true;
  auto r = std::make_shared<session_responder>(shared_from_this(), ++request_no_);
  // Bytes already buffered are a pipelined request: the client has not left.
  if (reader_.buffered() == 0) watch_client();
  try {
    state_->handler(std::move(req), std::move(r));
  } catch (const std::exception& e) {
    log::error("request handler threw", {{"error", e.what()}});
  }
}

void session::fail() {
  unlink();
  if (!reader_.error()) return close();
  close_after_ = true;
  write(*reader_.error());
}

void session::write(response res) {
  if (closed_) return;
  handling_ = false;
  on_gone_.clear();
  bool keep = reader_.keep_alive() && !close_after_ && !client_gone_;
  auto wire = std::make_shared<std::string>(serialize_response(res, keep, head_request_));
  // A client that does not read its answers is closed instead of holding the connection.
  stream_.expires_after(opts_.write_timeout);
  asio::async_write(stream_, asio::buffer(*wire),
                    [self = shared_from_this(), wire, keep](beast::error_code ec, std::size_t) {
                      if (ec || !keep) return self->close();
                      self->next_request();
                    });
}

void session::add_gone_callback(std::uint64_t request_no, std::function<void()> f) {
  if (request_no != request_no_ || !handling_) return;
  if (client_gone_) return f();
  on_gone_.push_back(std::move(f));
}

void session::watch_client() {
  if (watching_ || closed_) return;
  watching_ = true;
  stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
    self->watching_ = false;
    if (!ec && self->handling_ && !self->closed_) self->on_client_readable();
  });
}

void session::on_client_readable() {
  char c;
  auto n = ::recv(stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return;  // a pipelined request: the client is still there
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return watch_client();
  client_gone_ = true;  // 0: closed (or half-closed); < 0: reset
  auto fns = std::move(on_gone_);
  on_gone_.clear();
  for (auto& f : fns) {
    try {
      f();
    } catch (const std::exception& e) {
      log::error("client-gone callback threw", {{"error", e.what()}});
    }
  }
}

void session::evict() {
  metrics::count_connection_rejected("cap_evicted_idle");
  close();
}

void session::close() {
  if (closed_) return;
  closed_ = true;
  unlink();
  metrics::set_open_connections(static_cast<int>(--state_->open));
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

session_responder::~session_responder() {
  // A handler that dropped its responder must not leave the client hanging.
  if (!sent_.exchange(true)) {
    auto s = session_;
    asio::post(s->executor(), [s] { s->write(error_response(500, "Internal error")); });
  }
}

void session_responder::send(response res) {
  if (sent_.exchange(true)) return;
  auto s = session_;
  asio::post(s->executor(), [s, res = std::move(res)]() mutable { s->write(std::move(res)); });
}

void session_responder::on_client_gone(std::function<void()> f) {
  if (sent_.load()) return;
  auto s = session_;
  asio::post(s->executor(), [s, n = request_no_, f = std::move(f)]() mutable { s->add_gone_callback(n, std::move(f)); });
}

// The cap that fits the open-file limit, leaving room for outbound sockets and files.
std::size_t fit_to_file_limit(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return wanted;
  auto limit = static_cast<std::size_t>(rl.rlim_cur);
  auto reserve = std::max<std::size_t>(64, limit / 8);
  auto fit = limit > reserve ? limit - reserve : 1;
  if (wanted <= fit) return wanted;
  log::warn("connection cap lowered to fit the open-file limit",
            {{"max_connections", wanted}, {"effective_max_connections", fit}, {"rlimit_nofile", limit}});
  return fit;
}

// The accept errors that mean "out of descriptors or memory": retrying at once would spin.
const char* resource_error(const beast::error_code& ec) {
  if (ec == asio::error::no_descriptors) return "emfile";
  if (ec.value() == ENFILE) return "enfile";
  if (ec == asio::error::no_buffer_space) return "enobufs";
  if (ec == asio::error::no_memory) return "enomem";
  return nullptr;
}

constexpr std::chrono::milliseconds kFirstAcceptBackoff{50};
constexpr std::chrono::milliseconds kMaxAcceptBackoff{1000};

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(asio::io_context& ioc, server_options o, request_handler h)
      : ioc(ioc),
        acceptor(ioc),
        backoff_timer(ioc),
        state(std::make_shared<listener_state>(std::move(o), std::move(h))),
        opts(state->opts) {}

  void accept() {
    acceptor.async_accept(ioc, [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (ec) return self->on_accept_error(ec);
      if (self->backoff.count() != 0) {
        log::info("accepting connections again", {{"open_connections", self->state->open}});
        self->backoff = {};
      }
      self->admit(std::move(s));
      self->accept();
    });
  }

  void admit(tcp::socket s) {
    auto& st = *state;
    if (st.open >= st.cap) {
      if (st.waiting.empty()) return refuse(std::move(s));
      st.waiting.front().evict();
    }
    beast::error_code ec;
    s.set_option(tcp::no_delay(true), ec);
    std::make_shared<session>(std::move(s), state)->start();
  }

  // At the cap with every connection busy: a 503 the client can retry, then close.
  void refuse(tcp::socket s) {
    metrics::count_connection_rejected("cap_refused");
    static const std::string wire = [] {
      auto res = error_response(503, "Too many connections");
      res.set_header("Retry-After", "1");
      return serialize_response(res, false);
    }();
    auto stream = std::make_shared<beast::tcp_stream>(std::move(s));
    stream->expires_after(opts.write_timeout);
    asio::async_write(*stream, asio::buffer(wire), [stream](beast::error_code, std::size_t) {
      beast::error_code ec;
      stream->socket().shutdown(tcp::socket::shutdown_send, ec);
      stream->socket().close(ec);
    });
  }

  void on_accept_error(const beast::error_code& ec) {
    const char* reason = resource_error(ec);
    if (!reason) return accept();  // e.g. a connection reset before it was accepted
    metrics::count_accept_error(reason);
    if (backoff.count() == 0) {
      log::error("accepting connections fails; backing off",
                 {{"reason", reason}, {"error", ec.message()}, {"open_connections", state->open}});
      backoff = kFirstAcceptBackoff;
    } else {
      backoff = std::min(backoff * 2, kMaxAcceptBackoff);
    }
    backoff_timer.expires_after(backoff);
    backoff_timer.async_wait([self = shared_from_this()](beast::error_code wec) {
      if (!wec && self->acceptor.is_open()) self->accept();
    });
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  asio::steady_timer backoff_timer;
  std::shared_ptr<listener_state> state;
  const server_options& opts;
  std::chrono::milliseconds backoff{0};  // nonzero while accept fails for lack of resources
  std::uint16_t bound_port = 0;
};

server::server(io_runtime& io, server_options options, request_handler handler)
    : impl_(std::make_shared<impl>(io.get().ioc, std::move(options), std::move(handler))) {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->opts.bind_address, ec);
  auto where = impl_->opts.bind_address + ":" + std::to_string(impl_->opts.port);
  if (ec) throw std::runtime_error("invalid bind address " + impl_->opts.bind_address);
  impl_->state->cap = fit_to_file_limit(std::max<std::size_t>(1, impl_->opts.max_connections));
  tcp::endpoint ep{address, impl_->opts.port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  impl_->bound_port = a.local_endpoint().port();
  asio::dispatch(a.get_executor(), [i = impl_] { i->accept(); });
}

server::~server() { close(); }

std::uint16_t server::port() const { return impl_->bound_port; }

void server::close() {
  auto i = impl_;
  asio::dispatch(i->acceptor.get_executor(), [i] {
    beast::error_code ec;
    i->acceptor.close(ec);
    i->backoff_timer.cancel();
  });
}

}  // namespace cx::http
