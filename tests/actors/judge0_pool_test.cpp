// The Judge0 pool replaces a client that dies mid-job and fails only that job. A stand-in breaker
// reaches a client: its published view is never all clear, so every client asks it before
// submitting, and the client is the sender of that request.
#include "actors/judge0_pool.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "../support/mock_judge0.hpp"
#include "config/config.hpp"
#include "http/client.hpp"
#include "http/io_runtime.hpp"
#include "messages/atoms.hpp"
#include "messages/judge0_messages.hpp"

using namespace cx;
using namespace std::chrono_literals;

TEST(Judge0Pool, AClientThatDiesMidJobFailsThatJobAndIsReplaced) {
  cx::testing::mock_judge0 judge0;
  caf::actor_system_config sys_cfg;
  sys_cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{sys_cfg};
  http::io_runtime io;
  http::client client(io);
  io.start();
  auto parsed = parse_config_from_map({{"CONVEX_SITE_URL", "http://127.0.0.1:9"},
                                       {"JUDGE0_BASE_URL", judge0.url()},
                                       {"CODE_EXEC_API_KEYS", "k"},
                                       {"JUDGE0_MAX_INFLIGHT", "1"},
                                       {"JUDGE0_POLL_INTERVAL_MS", "5"},
                                       {"JUDGE0_MIN_POLL_INTERVAL_MS", "0"},
                                       {"LOG_LEVEL", "error"}});
  auto cfg = std::make_shared<const config>(std::get<config>(parsed));
  auto asks = std::make_shared<std::atomic<int>>(0);
  auto breaker = sys.spawn([asks](breaker_actor::pointer self) -> breaker_actor::behavior_type {
    return {
        [self, asks](allow_atom) {
          if (++*asks == 1) {
            // As a crash ends it: kill would also take down the linked pool (CAF treats kill as fatal).
            auto crashed = caf::exit_reason::unhandled_exception;
            caf::anon_send_exit(caf::actor_cast<caf::actor>(self->current_sender()), crashed);
          }
          return true;
        },
        [](rejecting_atom) { return false; },
        [](record_atom, call_outcome) {},
    };
  });
  auto view = std::make_shared<breaker_view>();
  view->all_clear = false;
  auto pool = spawn_judge0_pool(sys, cfg, client, timers::on_io(io), breaker_handle{breaker, view});

  judge0_job job;
  job.run.language_id = 71;
  job.run.source_code = "print(input())";
  job.run.stdin_text = "hi";
  job.deadline = std::chrono::steady_clock::now() + 5s;
  auto run = [&] {
    judge0_outcome out;
    caf::scoped_actor me{sys};
    me->request(pool, 10s, run_atom::value, job)
        .receive([&](judge0_outcome& o) { out = std::move(o); },
                 [&](caf::error& e) { out.failure = "no answer: " + sys.render(e); });
    return out;
  };
  auto first = run();
  ASSERT_TRUE(first.failure);
  EXPECT_NE(first.failure->find("Judge0 client stopped"), std::string::npos) << *first.failure;
  EXPECT_EQ(judge0.submits(), 0);
  auto second = run();  // the replacement client
  EXPECT_FALSE(second.failure) << second.failure.value_or("");
  EXPECT_EQ(second.status_id, 3);
  EXPECT_EQ(judge0.submits(), 1);
  EXPECT_EQ(asks->load(), 2);

  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(breaker, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  io.stop();
}
