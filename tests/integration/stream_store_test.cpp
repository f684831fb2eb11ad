// The shared submission stream against a real redis-server: journal with duplicates refused
// across pods, reads sized by the caller, claims refreshed only while held, take-over of idle
// entries with their delivery counts, release on drain, removal, the backlog, and Redis
// going away (every callback gets an error, none hangs) and coming back.
#include "http/stream_store.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "http/io_runtime.hpp"
#include "redis_server.hpp"

using namespace cx;
using namespace cx::testing;
using namespace std::chrono_literals;

namespace {

stream_entry entry(std::string submission_id) {
  stream_entry e;
  e.submission_id = std::move(submission_id);
  e.question_id = "q-1";
  e.request_id = "req-1";
  e.payload = R"j({"questionId":"q-1","submissionId":")j" + e.submission_id + R"j(","languageId":71,"sourceCode":"x"})j";
  e.accepted_at_ms = 1'700'000'000'000;
  e.deadline_ms = 1'700'000'120'000;
  return e;
}

// Waits for one callback; a hang fails the test instead of blocking it.
template <class T, class Start>
T await(Start start) {
  auto done = std::make_shared<std::promise<T>>();
  auto f = done->get_future();
  start([done](T v) { done->set_value(std::move(v)); });
  if (f.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback within 5 s";
    return T{};
  }
  return f.get();
}

class StreamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis.ready());
    io.start();
    ASSERT_EQ(create_group(a), "");
  }
  void TearDown() override {
    io.stop();
    clients.clear();
  }

  redis::client& new_client(std::chrono::milliseconds timeout = 500ms) {
    redis_endpoint ep;
    ep.host = "127.0.0.1";
    ep.port = port;
    clients.push_back(std::make_unique<redis::client>(io, ep, timeout, 100ms));
    return *clients.back();
  }

  // A pod: its own connections and store.
  struct pod {
    redis::client& commands;
    redis::client& reader;
    redis::stream_store store;
    std::string consumer;
  };
  std::unique_ptr<pod> new_pod(std::string consumer) {
    auto& c = new_client();
    auto& r = new_client(2000ms);
    return std::make_unique<pod>(pod{c, r, redis::stream_store(c, r, {}), std::move(consumer)});
  }

  std::string create_group(pod& p) { return await<std::string>([&](auto cb) { p.store.create_group(cb); }); }
  redis::journal_outcome journal(pod& p, const stream_entry& e, std::chrono::milliseconds ttl = 60s) {
    return await<redis::journal_outcome>([&](auto cb) { p.store.journal(e, ttl, cb); });
  }
  redis::deliveries_result read(pod& p, int count, std::chrono::milliseconds block = 0ms) {
    return await<redis::deliveries_result>([&](auto cb) { p.store.read(p.consumer, count, block, cb); });
  }
  redis::ids_result refresh(pod& p, std::vector<std::string> ids) {
    return await<redis::ids_result>([&](auto cb) { p.store.refresh(p.consumer, ids, cb); });
  }
  redis::deliveries_result take_over(pod& p, std::chrono::milliseconds min_idle, int count = 10,
                                     std::string cursor = "0-0") {
    return await<redis::deliveries_result>([&](auto cb) { p.store.take_over(p.consumer, min_idle, count, cursor, cb); });
  }
  std::string remove(pod& p, const std::string& id, const std::string& submission_id) {
    return await<std::string>([&](auto cb) { p.store.remove(id, submission_id, cb); });
  }
  redis::backlog_result backlog(pod& p) { return await<redis::backlog_result>([&](auto cb) { p.store.backlog(cb); }); }

  // A command outside the store, to look at what Redis holds.
  redis::reply raw(std::vector<std::string> args) {
    auto r = await<redis::result>([&](auto cb) { inspect.command(std::move(args), cb); });
    EXPECT_TRUE(r.ok()) << r.error;
    return r.value.value_or(redis::reply{});
  }
  // XPENDING's extended form for one id: [id, consumer, idle ms, deliveries], or empty.
  std::vector<redis::reply> pending_of(const std::string& id) {
    auto r = raw({"XPENDING", "code-exec:submissions", "code-exec", id, id, "1"});
    return r.elements.empty() ? std::vector<redis::reply>{} : r.elements[0].elements;
  }

  const std::uint16_t port = free_port();
  redis_server redis{port};
  http::io_runtime io;
  std::vector<std::unique_ptr<redis::client>> clients;
  redis::client& inspect = new_client();
  std::unique_ptr<pod> pod_a = new_pod("pod-a");
  std::unique_ptr<pod> pod_b = new_pod("pod-b");
  pod& a = *pod_a;
  pod& b = *pod_b;
};

std::string id_of(const redis::journal_outcome& j) {
  EXPECT_EQ(j.what, redis::journal_outcome::kind::journaled) << j.error;
  return j.id;
}

}  // namespace

TEST_F(StreamStoreTest, CreatingTheGroupAgainIsFine) {
  EXPECT_EQ(create_group(b), "");
  auto groups = raw({"XINFO", "GROUPS", "code-exec:submissions"});
  EXPECT_EQ(groups.elements.size(), 1u);
}

TEST_F(StreamStoreTest, AJournaledEntryIsDeliveredOnceWithItsFields) {
  auto j = journal(a, entry("sub-1"));
  auto id = id_of(j);
  EXPECT_EQ(j.length, 1);
  EXPECT_EQ(j.pending, 0);
  auto got = read(b, 10);
  ASSERT_EQ(got.error, "");
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].id, id);
  EXPECT_EQ(got.entries[0].deliveries, 1);
  ASSERT_TRUE(std::holds_alternative<stream_entry>(got.entries[0].entry)) << std::get<std::string>(got.entries[0].entry);
  const auto& e = std::get<stream_entry>(got.entries[0].entry);
  EXPECT_EQ(e.submission_id, "sub-1");
  EXPECT_EQ(e.payload, entry("sub-1").payload);
  EXPECT_EQ(e.deadline_ms, entry("sub-1").deadline_ms);
  EXPECT_TRUE(read(a, 10).entries.empty());  // the group delivers an entry to one consumer
  EXPECT_EQ(pending_of(id).at(1).text, "pod-b");
}

TEST_F(StreamStoreTest, ASubmissionIsJournaledOnceAcrossPodsUntilItsMarkExpires) {
  id_of(journal(a, entry("sub-1"), 300ms));
  auto again = journal(b, entry("sub-1"), 300ms);
  EXPECT_EQ(again.what, redis::journal_outcome::kind::duplicate) << again.error;
  EXPECT_EQ(raw({"XLEN", "code-exec:submissions"}).integer, 1);
  id_of(journal(b, entry("sub-2")));
  EXPECT_TRUE(eventually([&] { return raw({"EXISTS", "code-exec:submitted:sub-1"}).integer == 0; }, 3s));
  id_of(journal(b, entry("sub-1")));
}

TEST_F(StreamStoreTest, AReadTakesAtMostTheFreeSlotsAndNoneAsksNothing) {
  for (auto s : {"s1", "s2", "s3"}) id_of(journal(a, entry(s)));
  EXPECT_TRUE(read(a, 0).entries.empty());  // COUNT 0 would mean "all" to Redis
  EXPECT_EQ(backlog(a).pending, 0);
  EXPECT_EQ(read(a, 2).entries.size(), 2u);
  EXPECT_EQ(read(b, 5).entries.size(), 1u);
}

TEST_F(StreamStoreTest, ABlockingReadWakesWhenAnEntryArrives) {
  std::promise<redis::deliveries_result> done;
  auto f = done.get_future();
  a.store.read(a.consumer, 1, 1500ms, [&](redis::deliveries_result r) { done.set_value(std::move(r)); });
  std::this_thread::sleep_for(100ms);
  auto started = std::chrono::steady_clock::now();
  id_of(journal(a, entry("sub-1")));  // the same pod's commands are not stuck behind its block
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
  EXPECT_EQ(f.get().entries.size(), 1u);
  auto empty = read(a, 1, 200ms);  // nothing new: an empty answer after the block, not an error
  EXPECT_EQ(empty.error, "");
  EXPECT_TRUE(empty.entries.empty());
}

TEST_F(StreamStoreTest, ARefreshResetsTheIdleTimeOfHeldEntriesOnly) {
  auto id = id_of(journal(a, entry("sub-1")));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  std::this_thread::sleep_for(150ms);
  ASSERT_GE(pending_of(id).at(2).integer, 150);
  auto held = refresh(a, {id});
  ASSERT_EQ(held.error, "");
  EXPECT_EQ(held.ids, std::vector<std::string>{id});
  EXPECT_LT(pending_of(id).at(2).integer, 100);
  EXPECT_EQ(pending_of(id).at(3).integer, 1);  // a refresh is not a delivery
  // A peer takes it over; the former holder's refresh must not take it back.
  ASSERT_EQ(take_over(b, 0ms).entries.size(), 1u);
  EXPECT_TRUE(refresh(a, {id}).ids.empty());
  EXPECT_EQ(pending_of(id).at(1).text, "pod-b");
  EXPECT_TRUE(refresh(a, {}).ids.empty());
}

TEST_F(StreamStoreTest, APeerTakesOverOnlyIdleEntriesAndSeesTheirDeliveries) {
  auto id = id_of(journal(a, entry("sub-1")));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  EXPECT_TRUE(take_over(b, 10000ms).entries.empty());
  std::this_thread::sleep_for(120ms);
  auto got = take_over(b, 100ms);
  ASSERT_EQ(got.error, "");
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].id, id);
  EXPECT_EQ(got.entries[0].deliveries, 2);
  ASSERT_TRUE(std::holds_alternative<stream_entry>(got.entries[0].entry));
  EXPECT_EQ(std::get<stream_entry>(got.entries[0].entry).submission_id, "sub-1");
  EXPECT_EQ(pending_of(id).at(1).text, "pod-b");
  auto none = take_over(a, 0ms, 0);  // no free slot: nothing asked (Redis refuses COUNT 0)
  EXPECT_EQ(none.error, "");
  EXPECT_TRUE(none.entries.empty());
  EXPECT_EQ(pending_of(id).at(1).text, "pod-b");
}

TEST_F(StreamStoreTest, ATakeOverSweepContinuesFromItsCursor) {
  std::vector<std::string> ids;
  for (auto s : {"s1", "s2", "s3"}) ids.push_back(id_of(journal(a, entry(s))));
  ASSERT_EQ(read(a, 3).entries.size(), 3u);
  auto first = take_over(b, 0ms, 1);
  ASSERT_EQ(first.entries.size(), 1u);
  EXPECT_EQ(first.entries[0].id, ids[0]);
  EXPECT_EQ(first.cursor, ids[1]);
  auto rest = take_over(b, 0ms, 5, first.cursor);
  ASSERT_EQ(rest.entries.size(), 2u);
  EXPECT_EQ(rest.entries[1].id, ids[2]);
  EXPECT_EQ(rest.cursor, "0-0");  // the sweep is complete
}

TEST_F(StreamStoreTest, AReleasedEntryIsClaimableAtOnceWithItsAttemptsKept) {
  auto id = id_of(journal(a, entry("sub-1")));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  EXPECT_TRUE(take_over(b, 30001ms).entries.empty());
  auto released = await<redis::ids_result>([&](auto cb) { a.store.release(a.consumer, {{id, 0}}, 30001ms, cb); });
  ASSERT_EQ(released.error, "");
  EXPECT_EQ(released.ids, std::vector<std::string>{id});
  auto got = take_over(b, 30001ms);
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].deliveries, 1);  // the hand-over spent no attempt
  // Released again by the former holder: no longer its entry, so nothing happens.
  EXPECT_TRUE(
      await<redis::ids_result>([&](auto cb) { a.store.release(a.consumer, {{id, 0}}, 30001ms, cb); }).ids.empty());
  EXPECT_LT(pending_of(id).at(2).integer, 30001);
}

TEST_F(StreamStoreTest, ARemovedEntryIsGoneAndABacklogCountsWhatNoOneHolds) {
  std::vector<std::string> ids;
  for (auto s : {"s1", "s2", "s3"}) ids.push_back(id_of(journal(a, entry(s))));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  auto bl = backlog(b);
  ASSERT_EQ(bl.error, "");
  EXPECT_EQ(bl.length, 3);
  EXPECT_EQ(bl.pending, 1);
  EXPECT_EQ(remove(a, ids[0], "s1"), "");
  bl = backlog(b);
  EXPECT_EQ(bl.length, 2);
  EXPECT_EQ(bl.pending, 0);
  EXPECT_TRUE(pending_of(ids[0]).empty());
  EXPECT_EQ(remove(a, ids[0], "s1"), "");  // again, as a retry after Redis came back would: harmless
  id_of(journal(b, entry("s1")));           // a later request for it runs again, as in memory mode
}

TEST_F(StreamStoreTest, APendingIdWhoseEntryIsGoneIsDroppedByTheTakeOverNotRerun) {
  auto id = id_of(journal(a, entry("sub-1")));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  raw({"XDEL", "code-exec:submissions", id});  // a removal whose XACK was lost
  auto got = take_over(b, 0ms);
  ASSERT_EQ(got.error, "");
  EXPECT_TRUE(got.entries.empty());
  EXPECT_EQ(got.deleted, std::vector<std::string>{id});
  EXPECT_TRUE(pending_of(id).empty());
}

TEST_F(StreamStoreTest, AJournalWithdrawnAfterMarkRunningFailedLeavesNoEntryAndNoDuplicateMark) {
  auto id = id_of(journal(a, entry("sub-1")));
  EXPECT_EQ(remove(a, id, "sub-1"), "");
  EXPECT_EQ(raw({"XLEN", "code-exec:submissions"}).integer, 0);
  id_of(journal(b, entry("sub-1")));  // Convex retries the request: it is accepted
}

TEST_F(StreamStoreTest, AMarkSaysJournaledUntilMarkRunningSucceededAndGoneOnceRemoved) {
  auto id = id_of(journal(a, entry("sub-1")));
  auto marks = [&] {
    return await<redis::marks_result>([&](auto cb) { b.store.marks({"sub-1", "never"}, cb); });
  };
  using m = redis::mark_state;
  EXPECT_EQ(marks().states, (std::vector<m>{m::journaled, m::gone}));
  auto ttl = raw({"PTTL", "code-exec:submitted:sub-1"}).integer;
  EXPECT_EQ(await<std::string>([&](auto cb) { a.store.mark_ready("sub-1", cb); }), "");
  EXPECT_EQ(marks().states, (std::vector<m>{m::ready, m::gone}));
  EXPECT_GT(raw({"PTTL", "code-exec:submitted:sub-1"}).integer, ttl - 1000);  // its TTL is kept
  EXPECT_EQ(await<std::string>([&](auto cb) { a.store.mark_ready("never", cb); }), "");
  EXPECT_EQ(marks().states, (std::vector<m>{m::ready, m::gone}));  // no mark made for what was not journaled
  EXPECT_EQ(remove(a, id, "sub-1"), "");
  EXPECT_EQ(marks().states, (std::vector<m>{m::gone, m::gone}));
}

TEST_F(StreamStoreTest, AnUnusableEntryIsDeliveredWithItsIdAndWhy) {
  raw({"XADD", "code-exec:submissions", "*", "sid", "sub-1", "garbage", "x"});
  auto got = read(a, 10);
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_FALSE(got.entries[0].id.empty());
  ASSERT_TRUE(std::holds_alternative<std::string>(got.entries[0].entry));
  EXPECT_EQ(std::get<std::string>(got.entries[0].entry), "stream entry lacks field v");
  EXPECT_EQ(remove(a, got.entries[0].id, ""), "");  // no submission id to unmark
  EXPECT_EQ(raw({"XLEN", "code-exec:submissions"}).integer, 0);
}

TEST_F(StreamStoreTest, AMissingGroupFailsTheJournalBeforeAnythingIsWritten) {
  raw({"DEL", "code-exec:submissions"});
  auto j = journal(a, entry("sub-1"));
  EXPECT_EQ(j.what, redis::journal_outcome::kind::failed);
  EXPECT_NE(j.error.find("NOGROUP"), std::string::npos) << j.error;
  EXPECT_EQ(raw({"EXISTS", "code-exec:submitted:sub-1"}).integer, 0);
  EXPECT_EQ(create_group(a), "");
  id_of(journal(a, entry("sub-1")));
}

TEST_F(StreamStoreTest, RedisGoingAwayFailsEveryCallAndItsReturnIsUsable) {
  auto id = id_of(journal(a, entry("sub-1")));
  ASSERT_EQ(read(a, 1).entries.size(), 1u);
  redis.stop();
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(journal(a, entry("sub-2")).what, redis::journal_outcome::kind::failed);
  EXPECT_NE(read(a, 1).error, "");
  EXPECT_NE(read(a, 1, 300ms).error, "");
  EXPECT_NE(refresh(a, {id}).error, "");
  EXPECT_NE(take_over(b, 0ms).error, "");
  EXPECT_NE(remove(a, id, "sub-1"), "");
  EXPECT_NE(backlog(a).error, "");
  EXPECT_NE(create_group(a), "");
  // Nothing to ask, nothing asked: a pod with no entries sees no error while Redis is away.
  EXPECT_EQ(refresh(a, {}).error, "");
  EXPECT_EQ(read(a, 0).error, "");
  EXPECT_EQ(take_over(b, 0ms, 0).error, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);

  redis.start();  // no persistence in the test: an empty Redis, as after losing its data
  ASSERT_TRUE(redis.ready());
  EXPECT_TRUE(eventually([&] { return create_group(a).empty(); }, 5s));
  EXPECT_TRUE(eventually([&] { return journal(b, entry("sub-3")).what == redis::journal_outcome::kind::journaled; }, 5s));
  EXPECT_TRUE(eventually([&] { return read(a, 1).entries.size() == 1; }, 5s));
}
