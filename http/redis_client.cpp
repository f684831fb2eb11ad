#include "http/redis_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <deque>

#include "http/io_runtime_impl.hpp"

namespace cx::redis {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

reply convert(const redisReply& r) {
  reply out;
  switch (r.type) {
    case REDIS_REPLY_STATUS: out.type = reply::kind::status; break;
    case REDIS_REPLY_ERROR: out.type = reply::kind::error; break;
    case REDIS_REPLY_INTEGER: out.type = reply::kind::integer; break;
    case REDIS_REPLY_STRING: out.type = reply::kind::string; break;
    case REDIS_REPLY_ARRAY: out.type = reply::kind::array; break;
    default: out.type = reply::kind::nil;
  }
  if (r.str) out.text.assign(r.str, r.len);
  out.integer = r.integer;
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
  return out;
}

}  // namespace

// Everything here runs on the io thread (command() posts there).
struct client::impl : std::enable_shared_from_this<client::impl> {
  // One command in flight; hiredis hands it back to on_reply exactly once (with a null reply when
  // the connection goes), so on_reply owns its deletion.
  struct pending {
    pending(std::vector<std::string> a, std::function<void(result)> d) : args(std::move(a)), done(std::move(d)) {}
    std::vector<std::string> args;
    std::function<void(result)> done;
    std::optional<asio::steady_timer> timer;
    bool completed = false;

    void complete(result r) {
      if (completed) return;
      completed = true;
      if (timer) timer->cancel();
      done(std::move(r));
    }
  };

  impl(asio::io_context& c, redis_endpoint e, std::chrono::milliseconds t, std::chrono::milliseconds r)
      : ioc(c), endpoint(std::move(e)), timeout(t), retry_after(r), resolver(c) {}

  // With the io thread stopped: answers whatever is still pending.
  void shutdown() {
    resolver.cancel();
    if (ac) redisAsyncFree(ac);  // answers every command sent with "connection lost"
    fail_waiting("client stopped");
  }

  void command(pending* p) {
    p->timer.emplace(ioc, timeout);
    p->timer->async_wait([self = shared_from_this(), p](boost::system::error_code ec) {
      if (ec || p->completed) return;
      p->complete({std::nullopt, "timeout"});
      self->drop("a command timed out");
    });
    if (ac) return send(p);
    if (resolving) return waiting.push_back(p);
    if (steady::now() < retry_at) {
      p->complete({std::nullopt, "redis unavailable: " + last_error});
      return delete p;
    }
    waiting.push_back(p);
    connect();
  }

  void connect() {
    resolving = true;
    resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                           [self = shared_from_this()](boost::system::error_code ec,
                                                       asio::ip::tcp::resolver::results_type results) {
                             self->resolving = false;
                             if (ec || results.empty()) return self->fail_waiting("resolve failed: " + ec.message());
                             self->open(results.begin()->endpoint().address().to_string());
                           });
  }

  void open(const std::string& ip) {
    ac = redisAsyncConnect(ip.c_str(), endpoint.port);
    if (!ac || ac->err) {
      std::string why = ac ? ac->errstr : "out of memory";
      if (ac) redisAsyncFree(ac);
      ac = nullptr;
      return fail_waiting("connect failed: " + why);
    }
    fd.emplace(ioc, ac->c.fd);
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = [](void* d) { static_cast<impl*>(d)->want(true, true); };
    ac->ev.delRead = [](void* d) { static_cast<impl*>(d)->want(true, false); };
    ac->ev.addWrite = [](void* d) { static_cast<impl*>(d)->want(false, true); };
    ac->ev.delWrite = [](void* d) { static_cast<impl*>(d)->want(false, false); };
    ac->ev.cleanup = [](void* d) { static_cast<impl*>(d)->detach(); };
    redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* c, int status) {
      if (status != REDIS_OK) static_cast<impl*>(c->data)->note_down(c->errstr ? c->errstr : "connect failed");
    });
    redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* c, int status) {
      if (status != REDIS_OK) static_cast<impl*>(c->data)->note_down(c->errstr ? c->errstr : "connection lost");
    });
    // Sent first on every connection, so commands never run unauthenticated or in database 0.
    if (!endpoint.password.empty()) {
      std::vector<std::string> auth{"AUTH"};
      if (!endpoint.user.empty()) auth.push_back(endpoint.user);
      auth.push_back(endpoint.password);
      setup(std::move(auth), "AUTH");
    }
    if (endpoint.db != 0) setup({"SELECT", std::to_string(endpoint.db)}, "SELECT");
    auto queued = std::move(waiting);
    waiting.clear();
    for (auto* p : queued) {
      if (p->completed) delete p;
      else if (ac) send(p);
      else {
        p->complete({std::nullopt, "redis unavailable: " + last_error});
        delete p;
      }
    }
  }

  void setup(std::vector<std::string> args, const char* what) {
    auto* p = new pending{std::move(args), [self = shared_from_this(), what](result r) {
                            if (r.ok() && r.value->type != reply::kind::error) return;
                            // The reply text never holds the password.
                            self->drop(std::string(what) + " failed: " + (r.ok() ? r.value->text : r.error));
                          }};
    send(p);
  }

  void send(pending* p) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : p->args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAsyncCommandArgv(ac, &impl::on_reply, p, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      p->complete({std::nullopt, "redis unavailable: command refused"});
      delete p;
    }
  }

  static void on_reply(redisAsyncContext* c, void* r, void* privdata) {
    auto* p = static_cast<pending*>(privdata);
    if (r) p->complete({convert(*static_cast<redisReply*>(r)), {}});
    else p->complete({std::nullopt, "connection lost: " + std::string(c->errstr ? c->errstr : "closed")});
    delete p;
  }

  void fail_waiting(const std::string& why) {
    note_down(why);
    auto queued = std::move(waiting);
    waiting.clear();
    for (auto* p : queued) {
      p->complete({std::nullopt, "redis unavailable: " + why});
      delete p;
    }
  }

  void note_down(const std::string& why) {
    last_error = why;
    retry_at = steady::now() + retry_after;
  }

  // Closes the connection; hiredis answers its pending commands with null replies.
  void drop(const std::string& why) {
    note_down(why);
    if (!ac) return;
    auto* c = ac;
    asio::post(ioc, [self = shared_from_this(), c] {
      if (self->ac == c) redisAsyncFree(c);  // not from inside one of hiredis's own callbacks
    });
  }

  void want(bool read, bool on) {
    (read ? want_read : want_write) = on;
    arm(read);
  }

  void arm(bool read) {
    bool& armed = read ? read_armed : write_armed;
    if (!fd || armed || !(read ? want_read : want_write)) return;
    armed = true;
    auto kind = read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write;
    fd->async_wait(kind, [self = shared_from_this(), read, generation = generation](boost::system::error_code ec) {
      if (generation != self->generation) return;  // that connection is gone
      (read ? self->read_armed : self->write_armed) = false;
      if (ec || !self->ac || !(read ? self->want_read : self->want_write)) return;
      if (read) redisAsyncHandleRead(self->ac);
      else redisAsyncHandleWrite(self->ac);
      self->arm(read);  // hiredis may have closed the connection meanwhile (then no fd)
    });
  }

  // hiredis frees the context right after this; it closes the socket itself.
  void detach() {
    ++generation;
    if (fd) {
      boost::system::error_code ignored;
      fd->cancel(ignored);
      fd->release();
      fd.reset();
    }
    read_armed = write_armed = want_read = want_write = false;
    ac = nullptr;
  }

  asio::io_context& ioc;
  redis_endpoint endpoint;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds retry_after;
  asio::ip::tcp::resolver resolver;
  redisAsyncContext* ac = nullptr;
  std::optional<asio::posix::stream_descriptor> fd;
  std::uint64_t generation = 0;
  bool want_read = false, want_write = false, read_armed = false, write_armed = false;
  bool resolving = false;
  std::deque<pending*> waiting;  // until the host is resolved
  steady::time_point retry_at{};
  std::string last_error;
};

client::client(http::io_runtime& io, redis_endpoint endpoint, std::chrono::milliseconds timeout,
               std::chrono::milliseconds retry_after)
    : impl_(std::make_shared<impl>(io.get().ioc, std::move(endpoint), timeout, retry_after)) {}

client::~client() { impl_->shutdown(); }

void client::command(std::vector<std::string> args, std::function<void(result)> done) {
  auto* p = new impl::pending{std::move(args), std::move(done)};
  asio::post(impl_->ioc, [i = impl_, p] { i->command(p); });
}

}  // namespace cx::redis
