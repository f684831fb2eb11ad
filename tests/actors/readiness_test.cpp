// The readiness actor on the test coordinator, through its typed interface, with Judge0 and Convex
// played by a scripted outbound: both probed at once, one probe for every waiter, each
// dependency's rule (Judge0 2xx, Convex anything below 500), and the cache. No sockets.
#include "actors/readiness.hpp"

#include <boost/json.hpp>

#include <memory>
#include <optional>

#include "../support/deterministic_fixture.hpp"
#include "../support/scripted_outbound.hpp"
#include "../support/test_config.hpp"
#include "messages/atoms.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

struct verdict {
  bool ok = false;
  boost::json::object deps;
};

class ReadinessTest : public DeterministicTest {
 protected:
  ReadinessTest() {
    cfg = test_config({{"CONVEX_SITE_URL", "http://127.0.0.1:3211"},
                       {"JUDGE0_BASE_URL", "http://127.0.0.1:2358"},
                       {"JUDGE0_API_KEY", "j0-token"},
                       {"CONVEX_HEALTH_PATH", "/health"},
                       {"READINESS_CACHE_MS", "2000"}});
    readiness = spawn_readiness(sys, cfg, out, timers::on_caf_clock(sys));
    sched.run();
  }
  ~ReadinessTest() override { caf::anon_send_exit(readiness, caf::exit_reason::user_shutdown); }

  std::shared_ptr<std::optional<verdict>> probe() {
    auto slot = std::make_shared<std::optional<verdict>>();
    sys.spawn([slot, r = readiness](caf::event_based_actor* self) {
      self->request(r, std::chrono::seconds(3600), probe_atom::value).then([slot](bool ok, std::string& deps) {
        *slot = verdict{ok, boost::json::parse(deps).as_object()};
      });
    });
    sched.run();
    return slot;
  }

  // Answers the latest two probes: Judge0's, then Convex's.
  void answer(int judge0_status, int convex_status) {
    auto n = out.calls.size();
    out.answer(n - 2, judge0_status);
    out.answer(n - 1, convex_status);
    sched.run();
  }

  std::shared_ptr<const config> cfg;
  scripted_outbound out;
  readiness_actor readiness;
};

}  // namespace

TEST_F(ReadinessTest, BothDependenciesAreProbedOnceForEveryWaiter) {
  auto a = probe();
  auto b = probe();
  ASSERT_EQ(out.calls.size(), 2u);
  EXPECT_EQ(out.calls[0].req.url, "http://127.0.0.1:2358/languages");
  EXPECT_EQ(http::find_header(out.calls[0].req.headers, "X-Auth-Token"), "j0-token");
  EXPECT_EQ(out.calls[1].req.url, "http://127.0.0.1:3211/health");
  EXPECT_EQ(out.calls[0].req.timeout, cfg->readiness_timeout);
  answer(200, 404);  // Convex answering at all is up
  ASSERT_TRUE(*a && *b);
  EXPECT_TRUE((*a)->ok);
  EXPECT_TRUE((*b)->ok);
  EXPECT_EQ((*a)->deps.at("judge0"), (boost::json::object{{"ok", true}, {"status", 200}}));
  EXPECT_EQ((*a)->deps.at("convex"), (boost::json::object{{"ok", true}, {"status", 404}}));
}

TEST_F(ReadinessTest, AJudge0ThatIsNot2xxOrAConvexThatFailsIsNotReady) {
  auto a = probe();
  answer(401, 200);
  ASSERT_TRUE(*a);
  EXPECT_FALSE((*a)->ok);
  EXPECT_EQ((*a)->deps.at("judge0").at("ok"), false);
  advance(milliseconds(2000));
  auto b = probe();
  out.answer(2, 200);
  out.fail(3, false, /*timed_out=*/true);
  sched.run();
  ASSERT_TRUE(*b);
  EXPECT_FALSE((*b)->ok);
  EXPECT_EQ((*b)->deps.at("convex"), (boost::json::object{{"ok", false}, {"error", "timeout"}}));
}

TEST_F(ReadinessTest, TheAnswerIsCachedForReadinessCacheMs) {
  auto a = probe();
  answer(200, 200);
  advance(milliseconds(1999));
  auto cached = probe();
  ASSERT_TRUE(*cached);
  EXPECT_TRUE((*cached)->ok);
  EXPECT_EQ(out.calls.size(), 2u);
  advance(milliseconds(1));
  auto fresh = probe();
  EXPECT_EQ(out.calls.size(), 4u);
  EXPECT_FALSE(*fresh);
  answer(503, 200);
  ASSERT_TRUE(*fresh);
  EXPECT_FALSE((*fresh)->ok);
}
