// The supervisor's crash guarantee, driven with a stand-in Convex actor. The stand-in can reach
// a submission actor because it is the sender of the stand-in's requests.
#include "actors/supervisor.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "actors/submission.hpp"
#include "config/config.hpp"
#include "http/io_runtime.hpp"
#include "messages/atoms.hpp"
#include "messages/convex_messages.hpp"
#include "messages/http_messages.hpp"

using namespace cx;
using namespace std::chrono_literals;

namespace {

struct captured_reply final : http::responder {
  std::promise<http::response> got;
  void send(http::response res) override { got.set_value(std::move(res)); }
};

std::shared_ptr<const config> test_config() {
  auto parsed = parse_config_from_map({{"CONVEX_SITE_URL", "http://127.0.0.1:9"},
                                       {"JUDGE0_BASE_URL", "http://127.0.0.1:9"},
                                       {"CODE_EXEC_API_KEYS", "k"},
                                       {"LOG_LEVEL", "error"}});
  return std::make_shared<const config>(std::get<config>(parsed));
}

}  // namespace

TEST(Supervisor, ASubmissionThatCrashesAfterItsAcceptedStillGetsOneErrorResult) {
  caf::actor_system_config sys_cfg;
  sys_cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{sys_cfg};
  http::io_runtime io;
  io.start();
  auto posted = std::make_shared<std::promise<submission_result>>();
  // Marks running, kills the submission when it asks for its testcases, records results.
  auto convex = sys.spawn([posted](caf::event_based_actor* self) -> caf::behavior {
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
  auto supervisor = spawn_supervisor(sys, test_config(), convex, caf::actor{}, io);

  judge_request req;
  req.question_id = "q1";
  req.submission_id = "s-crash";
  req.language_id = 71;
  req.source_code = "print(1)";
  auto reply = std::make_shared<captured_reply>();
  auto answer = reply->got.get_future();
  caf::anon_send(supervisor, admit_atom::value, req, std::string("r1"), std::chrono::steady_clock::now(),
                 http::responder_ptr(reply));

  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().status, 202);
  auto result = posted->get_future();
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  auto r = result.get();
  EXPECT_EQ(r.submission_id, "s-crash");
  EXPECT_EQ(r.status, result_status::error);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->error_message, "internal error while judging");

  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(convex, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  io.stop();
}
