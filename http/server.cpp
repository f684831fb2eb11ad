#include "http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <optional>
#include <stdexcept>

#include "http/io_runtime_impl.hpp"
#include "http/json_errors.hpp"
#include "http/log.hpp"
#include "http/wire.hpp"

namespace cx::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class session;

struct listener_state {
  server_options opts;
  request_handler handler;
};

class session_responder final : public responder {
 public:
  explicit session_responder(std::shared_ptr<session> s) : session_(std::move(s)) {}
  ~session_responder() override;
  void send(response res) override;

 private:
  std::shared_ptr<session> session_;
  std::atomic<bool> sent_{false};
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::shared_ptr<const listener_state> state)
      : stream_(std::move(socket)), state_(std::move(state)), opts_(state_->opts) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = ep.address().to_string();
  }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Runs on the io thread.
  void write(response res) {
    bool keep = keep_alive_ && !close_after_;
    auto wire = std::make_shared<std::string>(serialize_response(res, keep, head_request_));
    asio::async_write(stream_, asio::buffer(*wire),
                      [self = shared_from_this(), wire, keep](beast::error_code ec, std::size_t) {
                        self->on_written(ec, keep);
                      });
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
    parser_->body_limit(opts_.max_body_bytes);
    close_after_ = false;
    head_request_ = false;
    stream_.expires_after(opts_.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    // Beast checks a declared Content-Length against the body limit while reading the header.
    if (ec == bhttp::error::body_limit) {
      keep_alive_ = false;
      return dispatch(true);
    }
    if (ec) return fail_read(ec);
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    auto declared = parser_->content_length();
    if (declared && *declared > opts_.max_body_bytes) return dispatch(true);
    stream_.expires_after(opts_.read_timeout);
    if (bhttp::token_list{req[bhttp::field::expect]}.exists("100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue),
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == bhttp::error::body_limit) return self->dispatch(true);
      if (ec) return self->fail_read(ec);
      self->dispatch(false);
    });
  }

  void fail_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return close();
    }
    close_after_ = true;
    keep_alive_ = false;
    if (ec == bhttp::error::header_limit) {
      return write(error_response(431, "Request header fields too large"));
    }
    if (ec == bhttp::error::partial_message) return close();
    write(error_response(400, "Malformed HTTP request"));
  }

  void dispatch(bool too_large) {
    auto& msg = parser_->get();
    request req;
    req.method = std::string(msg.method_string());
    head_request_ = msg.method() == bhttp::verb::head;
    req.target = std::string(msg.target());
    req.headers.reserve(16);
    for (const auto& f : msg) req.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    req.body_too_large = too_large;
    if (too_large) {
      close_after_ = true;
    } else {
      req.body = std::move(msg.body());
    }
    req.remote_address = remote_address_;
    stream_.expires_never();
    auto r = std::make_shared<session_responder>(shared_from_this());
    try {
      state_->handler(std::move(req), std::move(r));
    } catch (const std::exception& e) {
      log::error("request handler threw", {{"error", e.what()}});
    }
  }

  void on_written(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive) return close();
    read_header();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<const listener_state> state_;
  const server_options& opts_;
  std::string remote_address_;
  bool keep_alive_ = true;
  bool close_after_ = false;
  bool head_request_ = false;  // the answer leaves its body out
};

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

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(asio::io_context& ioc, server_options o, request_handler h)
      : ioc(ioc),
        acceptor(ioc),
        state(std::make_shared<listener_state>(listener_state{std::move(o), std::move(h)})),
        opts(state->opts) {}

  void accept() {
    acceptor.async_accept(ioc, [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        std::make_shared<session>(std::move(s), self->state)->start();
      }
      self->accept();
    });
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  std::shared_ptr<const listener_state> state;
  const server_options& opts;
  std::uint16_t bound_port = 0;
};

server::server(io_runtime& io, server_options options, request_handler handler)
    : impl_(std::make_shared<impl>(io.get().ioc, std::move(options), std::move(handler))) {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->opts.bind_address, ec);
  auto where = impl_->opts.bind_address + ":" + std::to_string(impl_->opts.port);
  if (ec) throw std::runtime_error("invalid bind address " + impl_->opts.bind_address);
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
  });
}

}  // namespace cx::http
