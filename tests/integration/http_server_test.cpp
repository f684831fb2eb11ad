// http::server in-process: the write timeout, the accept back-off when descriptors run out, and
// the client-gone notification, which need a handler that holds its answer back or a file limit
// of the test's own.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "../support/raw_socket.hpp"
#include "actors/telemetry/metrics.hpp"
#include "http/io_runtime.hpp"
#include "http/server.hpp"

using namespace cx;
using namespace cx::testing;
using namespace std::chrono_literals;

namespace {

const std::string kGet = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

// A server whose handler parks each responder for the test to use.
struct parking_server {
  explicit parking_server(http::server_options o = {}) {
    io.start();
    srv.emplace(io, o, [this](http::request, http::responder_ptr r) { parked.set_value(std::move(r)); });
  }
  ~parking_server() {
    srv->close();
    io.stop();
  }
  http::responder_ptr next(std::chrono::milliseconds timeout = 2s) {
    auto f = parked.get_future();
    if (f.wait_for(timeout) != std::future_status::ready) return nullptr;
    auto r = f.get();
    parked = {};
    return r;
  }
  // Sends one GET on `c`; the responder parked for it.
  http::responder_ptr get_on(raw_connection& c) { return c.send(kGet) ? next() : nullptr; }
  http::io_runtime io;
  std::promise<http::responder_ptr> parked;
  std::optional<http::server> srv;
};

std::int64_t emfile_errors() {
  auto text = metrics::render();
  const std::string name = R"(code_exec_accept_errors_total{reason="emfile"} )";
  auto at = text.find(name);
  return at == std::string::npos ? 0 : std::stoll(text.substr(at + name.size()));
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n - 1;  // the iterator's own
}

bool has_answer(raw_connection& c) { return c.read_some(2s).rfind("HTTP/1.1 200", 0) == 0; }

bool eventually(const std::atomic<int>& n, int want, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (n.load() != want && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  return n.load() == want;
}

}  // namespace

TEST(HttpEdgeServer, AClientThatNeverReadsIsClosedAfterTheWriteTimeout) {
  http::io_runtime io;
  io.start();
  http::server_options o;
  o.write_timeout = 300ms;
  const std::string big(256 * 1024, 'x');
  http::server srv(io, o, [&](http::request, http::responder_ptr r) { r->send(http::response::json(200, big)); });
  raw_connection c(srv.port());
  std::string pipelined;
  for (int i = 0; i < 200; ++i) pipelined += kGet;  // 50 MiB of answers, more than the kernel buffers
  ASSERT_TRUE(c.send(pipelined));
  std::this_thread::sleep_for(1500ms);
  // Without a write timeout the server would still be there, waiting for the next request.
  EXPECT_TRUE(c.wait_closed(5s));
  srv.close();
  io.stop();
}

TEST(HttpEdgeServer, OutOfDescriptorsTheAcceptLoopBacksOffAndRecovers) {
  http::io_runtime io;
  io.start();
  http::server srv(io, {}, [](http::request, http::responder_ptr r) { r->send(http::response::json(200, "{}")); });
  auto before = emfile_errors();
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // Room for the clients' own sockets only: the server cannot accept them.
  constexpr int kClients = 4;
  rlimit tight = saved;
  tight.rlim_cur = open_descriptors() + kClients;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::vector<raw_connection> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(srv.port());
  std::this_thread::sleep_for(400ms);
  auto during = emfile_errors() - before;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_GE(during, 1);
  EXPECT_LE(during, 10);  // 50, 100, 200 ms apart: no spinning
  int answered = 0;
  for (auto& c : clients) {
    if (c.ok() && c.send(kGet) && has_answer(c)) ++answered;
  }
  EXPECT_GE(answered, 1);  // accepting works again once descriptors are back
  EXPECT_EQ(answered, static_cast<int>(std::count_if(clients.begin(), clients.end(), [](auto& c) { return c.ok(); })));
  srv.close();
  io.stop();
}

// One client connection to a parking server, and a count of client-gone calls.
class HttpEdgeClientGone : public ::testing::Test {
 protected:
  parking_server s;
  raw_connection c{s.srv->port()};
  std::atomic<int> gone{0};
};

TEST_F(HttpEdgeClientGone, AResponderHearsOnceWhenTheClientLeavesBeforeTheAnswer) {
  auto r = s.get_on(c);
  ASSERT_TRUE(r);
  r->on_client_gone([&] { ++gone; });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(gone.load(), 0);
  c.close();
  EXPECT_TRUE(eventually(gone, 1, 2s));
  r->on_client_gone([&] { ++gone; });  // registered after the client left: runs at once
  EXPECT_TRUE(eventually(gone, 2, 2s));
  r->send(http::response::json(200, "{}"));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(gone.load(), 2);
}

TEST_F(HttpEdgeClientGone, NoClientGoneAfterTheAnswerOrForAPipelinedRequest) {
  auto first = s.get_on(c);
  ASSERT_TRUE(first);
  first->on_client_gone([&] { ++gone; });
  first->send(http::response::json(200, "{}"));
  first->on_client_gone([&] { ++gone; });  // after send(): ignored
  EXPECT_TRUE(has_answer(c));
  ASSERT_TRUE(c.send(kGet + kGet));  // the second request waits in the buffer behind the first
  auto second = s.next();
  ASSERT_TRUE(second);
  second->on_client_gone([&] { ++gone; });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(gone.load(), 0);
  second->send(http::response::json(200, "{}"));
  auto third = s.next();
  ASSERT_TRUE(third);
  third->send(http::response::json(200, "{}"));
  c.close();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(gone.load(), 0);
}
