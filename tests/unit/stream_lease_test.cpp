#include "actors/policy/stream_lease.hpp"

#include <gtest/gtest.h>

using namespace cx;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

namespace {

lease_policy policy(std::chrono::milliseconds lease = 30000ms, int max_attempts = 3) { return {lease, max_attempts}; }

}  // namespace

TEST(StreamLease, AClaimIsRenewedEveryThirdOfTheLease) {
  const auto p = policy(30000ms);
  EXPECT_EQ(claim_refresh_interval(p), 10000ms);
  const steady::time_point renewed{};
  EXPECT_FALSE(claim_refresh_due(renewed, renewed, p));
  EXPECT_FALSE(claim_refresh_due(renewed, renewed + 9999ms, p));
  EXPECT_TRUE(claim_refresh_due(renewed, renewed + 10000ms, p));
  EXPECT_TRUE(claim_refresh_due(renewed, renewed + 25000ms, p));
}

TEST(StreamLease, ATinyLeaseStillGivesAPositiveRefreshInterval) {
  EXPECT_EQ(claim_refresh_interval(policy(2ms)), 1ms);
}

TEST(StreamLease, APeerTakesOverOnlyWhatIsIdleLongerThanTheLease) {
  const auto p = policy(30000ms);
  EXPECT_FALSE(claimable_by_peer(0ms, p));
  EXPECT_FALSE(claimable_by_peer(30000ms, p));  // exactly at the lease: still the holder's
  EXPECT_TRUE(claimable_by_peer(30001ms, p));
  EXPECT_EQ(takeover_min_idle(p), 30001ms);  // XAUTOCLAIM's min-idle-time is inclusive
}

TEST(StreamLease, PeersLookForEntriesToTakeOverEveryThirdOfTheLeaseAndAtLeastEverySecond) {
  EXPECT_EQ(takeover_sweep_interval(policy(1500ms)), 500ms);
  EXPECT_EQ(takeover_sweep_interval(policy(30000ms)), 1000ms);
}

TEST(StreamLease, AnUnconfirmedEntryRunsOnlyOnceItsMarkRunningCannotBeGoingOn) {
  const wall::time_point accepted{wall::duration(std::chrono::hours(1000))};
  EXPECT_FALSE(unconfirmed_run_due(accepted, accepted, 7000ms));
  EXPECT_FALSE(unconfirmed_run_due(accepted, accepted + 6999ms, 7000ms));
  EXPECT_TRUE(unconfirmed_run_due(accepted, accepted + 7000ms, 7000ms));
}

TEST(StreamLease, AReleasedEntryIsClaimableAtOnceAndKeepsItsAttempts) {
  const auto p = policy(30000ms);
  EXPECT_TRUE(claimable_by_peer(release_idle(p), p));
  EXPECT_EQ(release_retry_count(2), 1);  // the peer's claim counts it back to 2
  EXPECT_EQ(release_retry_count(1), 0);
  EXPECT_EQ(release_retry_count(0), 0);
}

TEST(StreamLease, AFreshDeliveryWithinTheDeadlineRuns) {
  const auto p = policy(30000ms, 3);
  const wall::time_point accepted{std::chrono::milliseconds(1'700'000'000'000)};
  EXPECT_EQ(decide_delivery(1, accepted + 120s, accepted, p), delivery_action::run);
  EXPECT_EQ(decide_delivery(1, accepted + 120s, accepted + 119999ms, p), delivery_action::run);
}

TEST(StreamLease, TheDeadlineCountsFromTheOriginalAcceptance) {
  const auto p = policy(30000ms, 3);
  const wall::time_point accepted{std::chrono::milliseconds(1'700'000'000'000)};
  const auto deadline = accepted + 120s;
  EXPECT_EQ(decide_delivery(2, deadline, deadline, p), delivery_action::deadline_passed);  // exactly at it
  EXPECT_EQ(decide_delivery(2, deadline, deadline + 1s, p), delivery_action::deadline_passed);
}

TEST(StreamLease, MoreDeliveriesThanAttemptsAbandonTheSubmission) {
  const auto p = policy(30000ms, 3);
  const wall::time_point now{std::chrono::milliseconds(1'700'000'000'000)};
  EXPECT_EQ(decide_delivery(3, now + 60s, now, p), delivery_action::run);  // exactly at max attempts
  EXPECT_EQ(decide_delivery(4, now + 60s, now, p), delivery_action::abandon);
  EXPECT_EQ(decide_delivery(4, now - 1s, now, p), delivery_action::abandon);  // says more than the deadline
  EXPECT_EQ(abandoned_message(3), "abandoned after 3 attempts");
  EXPECT_EQ(abandoned_message(1), "abandoned after 1 attempt");
}

TEST(StreamLease, TheRemainingRuntimeIsWhatIsLeftOfTheDeadlineAndNeverNegative) {
  const wall::time_point now{std::chrono::milliseconds(1'700'000'000'000)};
  EXPECT_EQ(remaining_runtime(now + 90s, now), 90000ms);
  EXPECT_EQ(remaining_runtime(now, now), 0ms);
  EXPECT_EQ(remaining_runtime(now - 5s, now), 0ms);
}

TEST(StreamLease, ADuplicateMarkOutlastsEveryAttemptAfterTheDeadline) {
  EXPECT_EQ(duplicate_mark_ttl(policy(30000ms, 3), 120000ms, 60000ms), 120000ms + 3 * 90000ms);
  EXPECT_EQ(duplicate_mark_ttl(policy(30000ms, 0), 120000ms, 0ms), 150000ms);  // at least one attempt
}

TEST(StreamLease, TheBacklogIsWhatNoPodHoldsAndIsFullAtTheCap) {
  EXPECT_EQ(shared_backlog(10, 4), 6);
  EXPECT_EQ(shared_backlog(3, 5), 0);  // a pending entry whose payload is already deleted
  EXPECT_FALSE(backlog_full(1023, 1024));
  EXPECT_TRUE(backlog_full(1024, 1024));  // exactly at MAX_QUEUED_SUBMISSIONS
  EXPECT_TRUE(backlog_full(0, 0));
}

TEST(StreamLease, APodReadsAsManyEntriesAsItHasFreeSlots) {
  EXPECT_EQ(read_count(0, 64), 64);
  EXPECT_EQ(read_count(63, 64), 1);
  EXPECT_EQ(read_count(64, 64), 0);
  EXPECT_EQ(read_count(70, 64), 0);
}

TEST(StreamLease, TheConsumerIsThePodNameWhenGiven) {
  EXPECT_EQ(consumer_name("code-exec-7d9f-abcde", "ignored", 42), "code-exec-7d9f-abcde");
  EXPECT_EQ(consumer_name("pod name/\n1", "h", 1), "pod_name__1");
}

TEST(StreamLease, WithoutAPodNameTheConsumerIsHostAndPid) {
  EXPECT_EQ(consumer_name("", "worker-1.local", 4242), "worker-1.local-4242");
  EXPECT_EQ(consumer_name("", "", 7), "host-7");
  EXPECT_EQ(consumer_name("", "h\xC3\xA9 st", 7), "h___st-7");
}

TEST(StreamLease, TheConsumerNameIsBoundedAndKeepsThePid) {
  const std::string long_host(300, 'h');
  auto name = consumer_name("", long_host, 1234567);
  EXPECT_EQ(name.size(), kMaxConsumerNameBytes);
  EXPECT_EQ(name.substr(name.size() - 8), "-1234567");
  EXPECT_EQ(consumer_name(long_host, "h", 1).size(), kMaxConsumerNameBytes);
}
