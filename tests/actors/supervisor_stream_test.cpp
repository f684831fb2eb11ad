// The supervisor with SUBMISSION_STORE=redis on the test coordinator: a mock store actor stands
// for the shared stream, between a mock Convex actor and a mock Judge0 pool, and the real
// submission actors run what it hands out. Journal before mark-running before 202, what each
// failure answers, runs of taken entries, attempts and the deadline, and the drain's hand-over.
#include <algorithm>
#include <deque>
#include <memory>

#include "../support/deterministic_fixture.hpp"
#include "../support/mock_actors.hpp"
#include "../support/test_config.hpp"
#include "actors/supervisor.hpp"
#include "http/judge_answers.hpp"
#include "messages/atoms.hpp"
#include "messages/store_interface.hpp"
#include "messages/wire_json.hpp"

using namespace cx;
using namespace cx::testing;
using std::chrono::milliseconds;

namespace {

using offer_atom = caf::atom_constant<caf::atom("offer")>;
using store_mock = store_actor::extend<caf::reacts_to<offer_atom>>;
using held_answer = std::shared_ptr<std::optional<judge_answer>>;

// What the mock store answers, and what it was told.
struct store_script {
  journal_answer::kind journal = journal_answer::kind::journaled;
  bool release_ok = true;
  std::vector<stream_entry> journaled;
  std::vector<std::string> readied;
  std::vector<std::pair<std::string, std::string>> removed;
  std::vector<int> takes;                 // how many each take asked for
  std::deque<stream_delivery> offered;    // handed to the waiting take on offer_atom
  std::optional<caf::typed_response_promise<taken_entries>> taker;
  int drains = 0;
  int releases = 0;
};

store_mock spawn_store_mock(caf::actor_system& sys, store_script* s) {
  return sys.spawn([s](store_mock::pointer self) -> store_mock::behavior_type {
    return {
        [s](journal_atom, stream_entry& e) {
          s->journaled.push_back(e);
          return journal_answer{s->journal, "1-" + std::to_string(s->journaled.size())};
        },
        [s](ready_atom, std::string& id) { s->readied.push_back(id); },
        [s](remove_atom, std::string& id, std::string& sid) { s->removed.emplace_back(id, sid); },
        [self, s](take_atom, int n) -> caf::result<taken_entries> {
          s->takes.push_back(n);
          s->taker = self->make_response_promise<taken_entries>();
          return *s->taker;
        },
        [s](offer_atom) {
          if (!s->taker) return;
          taken_entries t;
          while (!s->offered.empty()) {
            t.entries.push_back(std::move(s->offered.front()));
            s->offered.pop_front();
          }
          auto rp = std::move(*s->taker);
          s->taker.reset();
          rp.deliver(std::move(t));
        },
        [s](drain_atom) { ++s->drains; },
        [s](release_atom) {
          ++s->releases;
          return s->release_ok;
        },
        [](probe_atom) { return caf::result<bool, std::string>(true, "{}"); },
    };
  });
}

class SupervisorStreamTest : public DeterministicTest {
 protected:
  ~SupervisorStreamTest() override {
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(std::map<std::string, std::string> env = {}) {
    env.insert({{"CONVEX_TIMEOUT_MS", "1000"}, {"MAX_REQUEST_RUNTIME_MS", "10000"}, {"SUBMISSION_STORE", "redis"},
                {"SUBMISSION_MAX_ATTEMPTS", "3"}, {"MAX_ACTIVE_SUBMISSIONS", "4"}});
    cfg = test_config(std::move(env));
    convex = spawn_convex_mock(sys, &convex_calls);
    pool = spawn_pool_mock(sys, &pool_calls);
    store = spawn_store_mock(sys, &store_calls);
    supervisor = spawn_supervisor(sys, cfg, convex, pool, time, store);
    sched.run();
  }

  static judge_request request(const std::string& submission_id) {
    judge_request req;
    req.question_id = "q";
    req.submission_id = submission_id;
    req.language_id = 71;
    req.source_code = "print(input())";
    return req;
  }

  held_answer admit(const std::string& submission_id) {
    request_ticket t{"r" + std::to_string(++serial), now(), serial};
    return ask_later<judge_answer>(supervisor, admit_atom::value, request(submission_id), t);
  }

  static int status(const held_answer& a) { return *a ? http::respond(**a).status : 0; }

  std::int64_t wall_ms() const {
    return std::chrono::duration_cast<milliseconds>(time.wall_now().time_since_epoch()).count();
  }

  // An entry as another pod journaled it `age` ago, delivered for the `deliveries`-th time.
  void offer(const std::string& submission_id, std::int64_t deliveries = 1, milliseconds age = milliseconds(0)) {
    stream_entry e;
    e.submission_id = submission_id;
    e.question_id = "q";
    e.request_id = "r-peer";
    e.payload = judge_request_body(request(submission_id));
    e.accepted_at_ms = wall_ms() - age.count();
    e.deadline_ms = e.accepted_at_ms + 10000;
    store_calls.offered.push_back({"9-" + submission_id, deliveries, e});
    tell(store, offer_atom::value);
  }

  std::string result_message(std::size_t i) const {
    return convex_calls.results.at(i).failure.value().error_message.value_or("");
  }

  std::optional<bool> idle() { return ask<bool>(supervisor, idle_atom::value); }

  timers time = timers::on_caf_clock(sys);
  std::shared_ptr<const config> cfg;
  convex_script convex_calls;
  pool_script pool_calls;
  store_script store_calls;
  convex_mock convex;
  pool_mock pool;
  store_mock store;
  supervisor_actor supervisor;
  std::uint64_t serial = 0;
};

}  // namespace

TEST_F(SupervisorStreamTest, ASubmissionIsJournaledThenMarkedRunningAndOnly202sAfterBoth) {
  start();
  convex_calls.hold_running = true;
  auto a = admit("s1");
  ASSERT_EQ(store_calls.journaled.size(), 1u);
  EXPECT_EQ(convex_calls.marked, std::vector<std::string>{"s1"});
  EXPECT_FALSE(*a);  // not before mark-running answered
  tell(convex, release_atom::value);
  EXPECT_EQ(status(a), 202);
  EXPECT_EQ(store_calls.readied, std::vector<std::string>{"s1"});  // peers may run it now
  // The entry carries the request and a deadline from the acceptance, for whichever pod runs it.
  const auto& e = store_calls.journaled.front();
  EXPECT_EQ(e.submission_id, "s1");
  EXPECT_EQ(e.request_id, "r1");
  EXPECT_EQ(e.deadline_ms - e.accepted_at_ms, 10000);
  auto back = parse_judge_request(e.payload, {});
  ASSERT_TRUE(std::holds_alternative<judge_request>(back));
  EXPECT_EQ(std::get<judge_request>(back).source_code, "print(input())");
  // It runs where the stream hands it out, not here at acceptance.
  EXPECT_TRUE(convex_calls.fetched_by.empty());
  EXPECT_TRUE(pool_calls.stdins.empty());
}

TEST_F(SupervisorStreamTest, AStoreThatCannotJournalAnswers503WithRetryAfterAndMarksNothing) {
  start();
  store_calls.journal = journal_answer::kind::unavailable;
  auto a = admit("s1");
  EXPECT_EQ(status(a), 503);
  EXPECT_EQ(http::find_header(http::respond(**a).headers, "Retry-After"), "5");
  EXPECT_TRUE(convex_calls.marked.empty());
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorStreamTest, AFailedMarkRunningRemovesTheEntryAndAnswers502) {
  start();
  convex_calls.running_status = 500;
  auto a = admit("s1");
  EXPECT_EQ(status(a), 502);
  EXPECT_EQ(store_calls.removed, (std::vector<std::pair<std::string, std::string>>{{"1-1", "s1"}}));
  EXPECT_TRUE(store_calls.readied.empty());
}

TEST_F(SupervisorStreamTest, ASubmissionJournaledByAnyPodIsADuplicateAndNotMarkedAgain) {
  start();
  store_calls.journal = journal_answer::kind::duplicate;
  auto a = admit("s1");
  EXPECT_EQ(status(a), 202);
  EXPECT_EQ((*a)->kind, answer_kind::duplicate);
  EXPECT_TRUE(convex_calls.marked.empty());
}

TEST_F(SupervisorStreamTest, AFullSharedBacklogAnswersOverloaded) {
  start();
  store_calls.journal = journal_answer::kind::full;
  auto a = admit("s1");
  EXPECT_EQ(status(a), 503);
  EXPECT_EQ((*a)->kind, answer_kind::overloaded);
  EXPECT_TRUE(convex_calls.marked.empty());
}

TEST_F(SupervisorStreamTest, ItTakesAsManyEntriesAsItHasFreeSlotsAndRemovesEachAfterItsResult) {
  start();
  ASSERT_EQ(store_calls.takes, std::vector<int>{4});
  pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };
  offer("a");
  EXPECT_EQ(store_calls.takes, (std::vector<int>{4, 3}));  // one slot is taken now
  EXPECT_TRUE(convex_calls.marked.empty());                 // its acceptance marked it running
  EXPECT_EQ(convex_calls.fetched_by.size(), 1u);
  EXPECT_TRUE(store_calls.removed.empty());
  pool_calls.answer = pool_script{}.answer;  // the rest of its testcases pass at once
  tell(pool, release_atom::value);
  ASSERT_EQ(convex_calls.results.size(), 1u);
  EXPECT_EQ(convex_calls.results.front().status, result_status::passed);
  EXPECT_EQ(store_calls.removed, (std::vector<std::pair<std::string, std::string>>{{"9-a", "a"}}));
}

TEST_F(SupervisorStreamTest, TheDeadlineCountsFromTheOriginalAcceptance) {
  start();
  pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };
  offer("late", 2, milliseconds(9000));  // a peer took it over 9 s after it was accepted
  advance(milliseconds(999));
  EXPECT_TRUE(convex_calls.results.empty());
  advance(milliseconds(1));
  ASSERT_EQ(convex_calls.results.size(), 1u);
  EXPECT_EQ(result_message(0), "deadline exceeded (MAX_REQUEST_RUNTIME_MS)");
  EXPECT_EQ(store_calls.removed.size(), 1u);
}

TEST_F(SupervisorStreamTest, AnEntryPastItsDeadlineOrItsAttemptsPostsItsErrorWithoutRunning) {
  start();
  offer("expired", 1, milliseconds(10000));
  offer("poison", 4);
  ASSERT_EQ(convex_calls.results.size(), 2u);
  EXPECT_EQ(result_message(0), "deadline exceeded (MAX_REQUEST_RUNTIME_MS)");
  EXPECT_EQ(result_message(1), "abandoned after 3 attempts");
  EXPECT_TRUE(pool_calls.stdins.empty());
  EXPECT_EQ(store_calls.removed.size(), 2u);
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorStreamTest, TheDrainTakesNothingMoreAndTheGraceDeadlineHandsRunsOverInsteadOfFailingThem) {
  start();
  pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };
  offer("a");
  tell(supervisor, drain_atom::value);
  EXPECT_EQ(store_calls.drains, 1);
  auto takes = store_calls.takes.size();
  tell(supervisor, abort_atom::value, std::string("service shutting down"));
  EXPECT_EQ(store_calls.releases, 1);
  EXPECT_TRUE(convex_calls.results.empty());  // a peer runs it again
  EXPECT_TRUE(store_calls.removed.empty());   // and removes it when done
  EXPECT_EQ(store_calls.takes.size(), takes);
  EXPECT_EQ(idle(), true);
}

TEST_F(SupervisorStreamTest, WhenRedisCannotTakeTheHandOverTheRunsPostTheShutdownError) {
  start();
  store_calls.release_ok = false;
  pool_calls.answer = [](const judge0_job&) { return std::optional<judge0_outcome>(); };
  offer("a");
  tell(supervisor, drain_atom::value);
  tell(supervisor, abort_atom::value, std::string("service shutting down"));
  ASSERT_EQ(convex_calls.results.size(), 1u);
  EXPECT_EQ(result_message(0), "service shutting down");
}
