// The Judge0 callback listener's handler on the test coordinator, with a mock pool: what reaches
// the pool (only a well-formed PUT), and the answer Judge0's worker gets for a known and an
// unknown job. No sockets.
#include "actors/judge0_callback_route.hpp"

#include <vector>

#include "../support/captured_reply.hpp"
#include "../support/deterministic_fixture.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

using namespace cx;
using namespace cx::testing;

namespace {

class Judge0CallbackRouteTest : public DeterministicTest {
 protected:
  Judge0CallbackRouteTest() {
    pool = sys.spawn([this](judge0_pool_actor::pointer) -> judge0_pool_actor::behavior_type {
      return {
          [](run_atom, judge0_job&) { return judge0_outcome{}; },
          [this](judge0_callback& cb) {
            told.push_back(cb);
            cb.answer(cb.job == "ab12");
          },
          [](ran_for_atom, std::int64_t) {},
      };
    });
    handler = judge0_callback_handler(pool);
  }
  ~Judge0CallbackRouteTest() override { caf::anon_send_exit(pool, caf::exit_reason::user_shutdown); }

  std::shared_ptr<captured_reply> put(std::string method, std::string target, bool too_large = false) {
    http::request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.body = R"({"token":"t1"})";
    req.body_too_large = too_large;
    auto reply = std::make_shared<captured_reply>();
    handler(std::move(req), reply);
    sched.run();
    return reply;
  }

  judge0_pool_actor pool;
  http::request_handler handler;
  std::vector<judge0_callback> told;
};

}  // namespace

TEST_F(Judge0CallbackRouteTest, AKnownJobIs200AndAnUnknownOne404) {
  auto known = put("PUT", callback_path_for("ab12", "ff00"));
  EXPECT_EQ(known->status(), 200);
  EXPECT_EQ(known->body(), (boost::json::object{{"status", "ok"}}));
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].job, "ab12");
  EXPECT_EQ(told[0].secret, "ff00");
  EXPECT_EQ(told[0].body, R"({"token":"t1"})");
  EXPECT_EQ(put("PUT", callback_path_for("cd34", "ff00"))->status(), 404);
  EXPECT_EQ(told.size(), 2u);
}

TEST_F(Judge0CallbackRouteTest, OnlyAWellFormedPutReachesThePool) {
  EXPECT_EQ(put("PUT", "/judge0/callbacks/ab12")->status(), 404);          // no secret
  EXPECT_EQ(put("PUT", "/judge0/callbacks/AB12/ff00")->status(), 404);     // not lowercase hex
  EXPECT_EQ(put("PUT", "/elsewhere/ab12/ff00")->status(), 404);
  EXPECT_EQ(put("PUT", callback_path_for(std::string(129, 'a'), "ff"))->status(), 404);
  auto get = put("GET", callback_path_for("ab12", "ff00"));
  EXPECT_EQ(get->status(), 405);
  EXPECT_EQ(get->header("Allow"), "PUT");
  EXPECT_EQ(put("PUT", callback_path_for("ab12", "ff00"), /*too_large=*/true)->status(), 413);
  EXPECT_TRUE(told.empty());
}
