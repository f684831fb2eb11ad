// The supervisor and submission backstops, driven with a stand-in Convex actor. The stand-in can
// reach a submission actor because it is the sender of the stand-in's requests.
#include "actors/supervisor.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>

#include "actors/http_messages.hpp"
#include "actors/submission.hpp"
#include "config/config.hpp"
#include "http/io_runtime.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"

using namespace cx;
using namespace std::chrono_literals;

namespace {

struct captured_reply final : http::responder {
  std::promise<http::response> got;
  void send(http::response res) override { got.set_value(std::move(res)); }
};

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest() : sys(sys_cfg.set("scheduler.max-threads", 2)) { io.start(); }

  ~SupervisorTest() override {
    for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sys.await_all_actors_done();
    io.stop();
  }

  supervisor_actor start_supervisor(convex_actor convex, std::map<std::string, std::string> env = {}) {
    env.insert({{"CONVEX_SITE_URL", "http://127.0.0.1:9"},
                {"JUDGE0_BASE_URL", "http://127.0.0.1:9"},
                {"CODE_EXEC_API_KEYS", "k"},
                {"CONVEX_TIMEOUT_MS", "100"},
                {"LOG_LEVEL", "error"}});
    auto parsed = parse_config_from_map(env);
    auto cfg = std::make_shared<const config>(std::get<config>(parsed));
    auto supervisor = spawn_supervisor(sys, cfg, convex, judge0_pool_actor{}, timers::on_io(io));
    actors = {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(convex)};
    return supervisor;
  }

  // Admits one submission; the future holds the HTTP answer.
  std::future<http::response> admit(const supervisor_actor& supervisor, const std::string& submission_id) {
    judge_request req;
    req.question_id = "q1";
    req.submission_id = submission_id;
    req.language_id = 71;
    req.source_code = "print(1)";
    auto reply = std::make_shared<captured_reply>();
    auto answer = reply->got.get_future();
    caf::anon_send(supervisor, admit_atom::value, req, std::string("r1"), std::chrono::steady_clock::now(),
                   http::responder_ptr(reply));
    return answer;
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  http::io_runtime io;
  std::vector<caf::actor> actors;
};

}  // namespace

TEST_F(SupervisorTest, ASubmissionThatCrashesAfterItsAcceptedStillGetsOneErrorResult) {
  auto posted = std::make_shared<std::promise<submission_result>>();
  // Marks running, kills the submission when it asks for its testcases, records results.
  auto convex = sys.spawn([posted](convex_actor::pointer self) -> convex_actor::behavior_type {
    return {
        [](running_atom, submission_kind, std::string&) { return convex_answer{200, "{}", ""}; },
        [self](fetch_atom, submission_kind, std::string&) {
          caf::anon_send_exit(caf::actor_cast<caf::actor>(self->current_sender()), caf::exit_reason::kill);
          return convex_answer{200, "{}", ""};
        },
        [posted](result_atom, submission_kind, submission_result& r) {
          posted->set_value(r);
          return true;
        },
    };
  });
  auto answer = admit(start_supervisor(convex), "s-crash");

  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().status, 202);
  auto result = posted->get_future();
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  auto r = result.get();
  EXPECT_EQ(r.submission_id, "s-crash");
  EXPECT_EQ(r.status, result_status::error);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->error_message, "internal error while judging");
}

TEST_F(SupervisorTest, AConvexActorThatNeverAnswersMarkRunningStillGetsThe502) {
  // Takes the mark-running request and keeps it: only the submission's stall timer
  // (CONVEX_TIMEOUT_MS + 2 s) can answer the caller.
  auto held = std::make_shared<std::vector<caf::typed_response_promise<convex_answer>>>();
  auto convex = sys.spawn([held](convex_actor::pointer self) -> convex_actor::behavior_type {
    return {
        [self, held](running_atom, submission_kind, std::string&) -> caf::result<convex_answer> {
          held->push_back(self->make_response_promise<convex_answer>());
          return held->back();
        },
        [](fetch_atom, submission_kind, std::string&) { return convex_answer{}; },
        [](result_atom, submission_kind, submission_result&) { return false; },
    };
  });
  auto started = std::chrono::steady_clock::now();
  auto answer = admit(start_supervisor(convex), "s-stall");

  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  auto res = answer.get();
  EXPECT_EQ(res.status, 502);
  EXPECT_NE(res.body.find("Failed to mark submission as running"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(SupervisorTest, AConvexActorThatNeverAnswersTheResultStillFreesTheSlot) {
  // Answers mark-running, gives testcases that cannot be judged (so an error result follows at
  // once) and keeps the result request: only the stall timer (CONVEX_TIMEOUT_MS x 1 attempt + 2 s)
  // ends the submission, and until then it holds the only slot.
  auto held = std::make_shared<std::vector<caf::typed_response_promise<bool>>>();
  auto result_asked = std::make_shared<std::promise<void>>();
  auto convex = sys.spawn([held, result_asked](convex_actor::pointer self) -> convex_actor::behavior_type {
    return {
        [](running_atom, submission_kind, std::string&) { return convex_answer{200, "{}", ""}; },
        [](fetch_atom, submission_kind, std::string&) { return convex_answer{200, "{}", ""}; },
        [self, held, result_asked](result_atom, submission_kind, submission_result&) -> caf::result<bool> {
          held->push_back(self->make_response_promise<bool>());
          if (held->size() == 1) result_asked->set_value();
          return held->back();
        },
    };
  });
  auto supervisor = start_supervisor(
      convex, {{"CALLBACK_MAX_ATTEMPTS", "1"}, {"MAX_ACTIVE_SUBMISSIONS", "1"}, {"MAX_QUEUED_SUBMISSIONS", "0"}});
  auto started = std::chrono::steady_clock::now();
  auto first = admit(supervisor, "s-held");
  ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(first.get().status, 202);
  ASSERT_EQ(result_asked->get_future().wait_for(5s), std::future_status::ready);
  auto refused = admit(supervisor, "s-refused");
  ASSERT_EQ(refused.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(refused.get().status, 503);

  caf::scoped_actor waiter{sys};
  bool idle = false;
  waiter->request(supervisor, 15s, idle_atom::value).receive([&](bool b) { idle = b; }, [](caf::error&) {});
  EXPECT_TRUE(idle);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 2s);
  EXPECT_LT(waited, 8s);  // the budget, not the 10 s backoff cap an attempt that never comes would add
  auto next = admit(supervisor, "s-next");
  ASSERT_EQ(next.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(next.get().status, 202);
}
