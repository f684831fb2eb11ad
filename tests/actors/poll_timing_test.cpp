// Cache-aware polling: Judge0 caches a token's GET for 1 s, so polls of one token are spaced by
// JUDGE0_MIN_POLL_INTERVAL_MS even when JUDGE0_POLL_INTERVAL_MS is shorter.
#include "service_fixture.hpp"

using namespace cx::testing;
using std::chrono::milliseconds;

TEST_F(ServiceTest, PollsOfOneTokenAreSpacedByTheMinimumInterval) {
  start({{"JUDGE0_POLL_INTERVAL_MS", "20"}, {"JUDGE0_MIN_POLL_INTERVAL_MS", "150"}});
  convex.add_echo_question("q", 1);
  auto r = judge("q", "s-spaced");
  EXPECT_EQ(r["status"], "passed");
  auto times = judge0.poll_times("tok-1");
  ASSERT_EQ(times.size(), 3u);  // In Queue, Processing, done
  for (std::size_t i = 1; i < times.size(); ++i)
    EXPECT_GE(std::chrono::duration_cast<milliseconds>(times[i] - times[i - 1]).count(), 145) << "poll " << i;
}

TEST_F(ServiceTest, FirstPollWaitsForTheRecentJobsMinimumTime) {
  start({{"JUDGE0_POLL_INTERVAL_MS", "20"}, {"JUDGE0_MIN_POLL_INTERVAL_MS", "150"}});
  convex.add_echo_question("q", 1);
  judge("q", "s-first");  // still running at the poll 150 ms after its create: the next first poll waits that
  judge0.script([](const judge0_submission& s) {
    judge0_verdict v;
    v.stdout_text = s.stdin_text;
    v.polls_before_done = 1;
    return v;
  });
  auto r = judge("q", "s-second");
  EXPECT_EQ(r["status"], "passed");
  auto first = judge0.poll_times("tok-1");
  auto second = judge0.poll_times("tok-2");
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 2u);
  auto first_wait = [&](const std::string& token, std::chrono::steady_clock::time_point poll) {
    return std::chrono::duration_cast<milliseconds>(poll - judge0.created_at(token)).count();
  };
  EXPECT_LT(first_wait("tok-1", first[0]), 145);  // no history: one poll interval
  EXPECT_GE(first_wait("tok-2", second[0]), 145);  // the learnt minimum, capped at the min interval
}
