// The asynchronous Redis connection against a real redis-server: replies, pipelining, AUTH and
// SELECT, a host name resolved off the io thread, timeouts, Redis going away and coming back.
#include "http/redis_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <future>

#include "http/io_runtime.hpp"
#include "redis_server.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override { io.start(); }
  void TearDown() override {
    io.stop();
    clients.clear();  // after the io thread: what is pending completes with an error
  }

  redis::client& connect(std::uint16_t port, std::string password = {}, int db = 0, std::string host = "127.0.0.1",
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(500)) {
    redis_endpoint ep;
    ep.host = std::move(host);
    ep.port = port;
    ep.password = std::move(password);
    ep.db = db;
    clients.push_back(std::make_unique<redis::client>(io, ep, timeout, std::chrono::milliseconds(100)));
    return *clients.back();
  }

  static redis::result run(redis::client& c, std::vector<std::string> args) {
    std::promise<redis::result> done;
    auto f = done.get_future();
    c.command(std::move(args), [&done](redis::result r) { done.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return f.get();
  }

  http::io_runtime io;
  std::vector<std::unique_ptr<redis::client>> clients;
};

}  // namespace

TEST_F(RedisClientTest, RepliesOfEveryKind) {
  const auto port = free_port();
  redis_server redis(port);
  ASSERT_TRUE(redis.ready());
  auto& c = connect(port);
  EXPECT_EQ(run(c, {"SET", "k", std::string("v\0w", 3)}).value->type, redis::reply::kind::status);
  auto got = run(c, {"GET", "k"});
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.value->text, std::string("v\0w", 3));
  EXPECT_EQ(run(c, {"GET", "absent"}).value->type, redis::reply::kind::nil);
  EXPECT_EQ(run(c, {"INCR", "n"}).value->integer, 1);
  auto arr = run(c, {"MGET", "k", "absent"});
  ASSERT_EQ(arr.value->elements.size(), 2u);
  EXPECT_EQ(arr.value->elements[1].type, redis::reply::kind::nil);
  auto err = run(c, {"NOSUCHCOMMAND"});
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err.value->type, redis::reply::kind::error);
}

TEST_F(RedisClientTest, ManyCommandsFromManyThreadsAllCompleteOnce) {
  const auto port = free_port();
  redis_server redis(port);
  ASSERT_TRUE(redis.ready());
  auto& c = connect(port);
  std::atomic<int> ok{0}, calls{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < 500; ++i)
        c.command({"INCR", "counter"}, [&](redis::result r) {
          ++calls;
          if (r.ok()) ++ok;
        });
    });
  }
  for (auto& s : senders) s.join();
  ASSERT_TRUE(eventually([&] { return calls == 2000; }, std::chrono::seconds(10)));
  EXPECT_EQ(ok, 2000);
  EXPECT_EQ(run(c, {"GET", "counter"}).value->text, "2000");
}

TEST_F(RedisClientTest, AuthAndSelectComeFirstOnEveryConnection) {
  const auto port = free_port();
  redis_server redis(port, {"--requirepass", "pw"});
  ASSERT_TRUE(redis.ready());
  auto& c = connect(port, "pw", 5, "localhost");  // a name: resolved asynchronously
  ASSERT_TRUE(run(c, {"SET", "in-db-5", "1"}).ok());
  auto& other = connect(port, "pw", 0);
  EXPECT_EQ(run(other, {"GET", "in-db-5"}).value->type, redis::reply::kind::nil);
  EXPECT_EQ(run(other, {"SELECT", "5"}).value->type, redis::reply::kind::status);
  EXPECT_EQ(run(other, {"GET", "in-db-5"}).value->text, "1");
  auto& wrong = connect(port, "not-pw");
  auto r = run(wrong, {"GET", "x"});
  EXPECT_FALSE(r.ok() && r.value->type != redis::reply::kind::error) << r.error;
  EXPECT_EQ(r.error.find("not-pw"), std::string::npos);
}

TEST_F(RedisClientTest, ARedisThatNeverAnswersTimesOut) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});  // never accepts
  auto& c = connect(silent.local_endpoint().port(), {}, 0, "127.0.0.1", std::chrono::milliseconds(100));
  auto started = std::chrono::steady_clock::now();
  auto r = run(c, {"PING"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(RedisClientTest, RedisGoingAwayFailsFastAndItsReturnIsNoticed) {
  const auto port = free_port();
  redis_server redis(port);
  ASSERT_TRUE(redis.ready());
  auto& c = connect(port);
  ASSERT_TRUE(run(c, {"PING"}).ok());
  redis.stop();
  EXPECT_FALSE(run(c, {"PING"}).ok());
  auto r = run(c, {"PING"});  // within the retry interval: refused at once
  EXPECT_FALSE(r.ok());
  redis.start();
  ASSERT_TRUE(redis.ready());
  EXPECT_TRUE(eventually([&] { return run(c, {"PING"}).ok(); }, std::chrono::seconds(5)));
}

TEST_F(RedisClientTest, NothingListeningIsAnErrorNotAHang) {
  auto& c = connect(free_port());
  auto r = run(c, {"PING"});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error, "");
}
