// The shared submission queue (#17) under faults: real code-exec pods on one redis-server, one
// Convex and one slow Judge0 stand-in. A pod SIGKILLed or drained with too short a grace, Redis
// SIGKILLed and restarted, one pod saturated: every accepted submission still gets a result at
// Convex (at least once, deduplicated by Idempotency-Key) and nothing stays in the stream.
#include "binary_fixture.hpp"
#include "redis_server.hpp"

#include <cctype>
#include <csignal>

#include <future>
#include <iostream>
#include <set>

#include "http/io_runtime.hpp"
#include "http/redis_client.hpp"

using namespace cx;
using namespace cx::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kStream = "code-exec:submissions";
constexpr const char* kGroup = "code-exec";
constexpr const char* kResultRoute = "/coding/submission-result";

// What Redis holds of the queue; group false when the stream or its group does not exist.
struct queue_state {
  bool group = false;
  long long length = -1;
  long long pending = -1;
};

class StreamChaosTest : public BinaryTest {
 protected:
  void SetUp() override {
    // One question per testcase count; each submission's source names it, so Judge0's creates
    // can be counted per submission (a re-run creates its testcases again).
    convex.add_echo_question("q1", 1);
    convex.add_echo_question("q2", 2);
    judge0.script([this](const judge0_submission& s) {
      {
        std::lock_guard<std::mutex> lock(creates_mutex_);
        ++creates_[submission_of(s.source)];
      }
      judge0_verdict v;
      v.stdout_text = s.stdin_text;
      return v;
    });
    io_.start();
  }

  void TearDown() override {
    pods_.clear();  // before Redis goes, so no pod logs a lost store on the way out
    io_.stop();
    inspect_.reset();
  }

  void start_redis(std::vector<std::string> extra = {}) {
    redis_port_ = free_port();
    redis_ = std::make_unique<redis_server>(redis_port_, std::move(extra));
    ASSERT_TRUE(redis_->ready()) << "no redis-server (CODE_EXEC_TEST_REDIS_SERVER)";
    redis_endpoint ep;
    ep.port = redis_port_;
    inspect_ = std::make_unique<redis::client>(io_, ep, 500ms, 100ms);
  }

  // A pod on the shared store, ready to judge (its /readyz includes the store).
  service_process& start_pod(const std::string& name, std::map<std::string, std::string> overrides = {}) {
    std::map<std::string, std::string> env{{"SUBMISSION_STORE", "redis"},
                                           {"SUBMISSION_REDIS_URL", redis_->url()},
                                           {"SUBMISSION_LEASE_MS", "1000"},
                                           {"POD_NAME", name},
                                           {"MAX_ACTIVE_SUBMISSIONS", "8"}};
    for (auto& kv : overrides) env[kv.first] = kv.second;
    pods_.push_back(std::make_unique<service_process>(service_env(env)));
    auto& p = *pods_.back();
    EXPECT_TRUE(p.wait_ready()) << name << ":\n" << p.all_output();
    EXPECT_TRUE(eventually([&] { return client.call("GET", p.url() + "/readyz").status == 200; }, 10s))
        << name << " not ready:\n" << client.call("GET", p.url() + "/readyz").body;
    return p;
  }

  // POSTs one submission; a 202 makes it one the test holds the service to.
  http::client_response submit(service_process& p, const std::string& id, const std::string& question = "q1") {
    auto res = client.call("POST", p.url() + "/v1/judge-question",
                           judge_question_body(question, id, "print(input())  # " + id),
                           {{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "key-a"}}, 10s);
    if (res.status == 202) accepted_[id] = question == "q2" ? 2 : 1;
    return res;
  }

  redis::reply raw(std::vector<std::string> args) {
    auto done = std::make_shared<std::promise<redis::result>>();
    auto f = done->get_future();
    inspect_->command(std::move(args), [done](redis::result r) { done->set_value(std::move(r)); });
    redis::reply failed;
    failed.type = redis::reply::kind::error;
    if (f.wait_for(3s) != std::future_status::ready) return failed;
    auto r = f.get();
    failed.text = r.error;
    return r.value.value_or(failed);
  }

  queue_state queue() {
    queue_state q;
    auto len = raw({"XLEN", kStream});
    auto pend = raw({"XPENDING", kStream, kGroup});  // NOGROUP error when the group is missing
    if (len.type != redis::reply::kind::integer || pend.type != redis::reply::kind::array || pend.elements.empty())
      return q;
    q.group = true;
    q.length = len.integer;
    q.pending = pend.elements[0].integer;
    return q;
  }

  // Entries the consumer has read and not yet acknowledged.
  long long held_by(const std::string& consumer) {
    auto r = raw({"XPENDING", kStream, kGroup, "-", "+", "10000", consumer});
    return r.type == redis::reply::kind::array ? static_cast<long long>(r.elements.size()) : -1;
  }

  std::size_t delivered() const { return convex.accepted_results().size(); }

  bool all_delivered() const {
    auto results = convex.accepted_results();
    for (const auto& kv : accepted_)
      if (!results.count(kv.first)) return false;
    return true;
  }

  // The end state every test demands: each accepted submission passed at Convex under its own
  // Idempotency-Key, nothing else was posted, and the queue is empty. Returns how many re-ran.
  int expect_every_accepted_submission_delivered_once_and_the_queue_empty(std::chrono::seconds bound = 60s) {
    bool settled = eventually(
        [&] {
          if (!all_delivered()) return false;
          auto q = queue();
          return q.group && q.length == 0 && q.pending == 0;
        },
        bound);
    auto q = queue();
    EXPECT_TRUE(settled) << "delivered " << delivered() << " of " << accepted_.size() << "; XLEN " << q.length
                         << ", XPENDING " << q.pending << (q.group ? "" : " (no group)");
    EXPECT_TRUE(q.group) << "no consumer group " << kGroup << " on " << kStream;
    EXPECT_EQ(q.length, 0);
    EXPECT_EQ(q.pending, 0);

    std::set<std::string> keys;
    int shutdown_errors = 0;
    for (const auto& c : convex.calls(kResultRoute)) {
      auto body = parse(c.body);
      auto* sid = body.if_contains("submissionId");
      std::string id = sid && sid->is_string() ? std::string(sid->as_string()) : "";
      EXPECT_EQ(http::find_header(c.headers, "Idempotency-Key"), id);
      EXPECT_TRUE(accepted_.count(id)) << "result for a submission never accepted: " << id;
      EXPECT_EQ(body["status"], "passed") << c.body;
      if (auto* ff = body.if_contains("firstFailure"); ff && ff->is_object()) {
        if (auto* m = ff->as_object().if_contains("errorMessage"); m && *m == "service shutting down") ++shutdown_errors;
      }
      if (c.answered >= 200 && c.answered < 300) keys.insert(id);
    }
    EXPECT_EQ(shutdown_errors, 0) << "\"service shutting down\" results while a peer was alive";
    std::size_t missing = 0;
    for (const auto& kv : accepted_) missing += keys.count(kv.first) ? 0 : 1;
    EXPECT_EQ(missing, 0u) << "accepted submissions without a delivered result";

    int reruns = 0, reposted = 0;
    auto results = convex.accepted_results();
    {
      std::lock_guard<std::mutex> lock(creates_mutex_);
      for (const auto& kv : accepted_) {
        if (creates_[kv.first] > kv.second) ++reruns;
        if (results[kv.first] > 1) ++reposted;
      }
    }
    std::cout << "[ stream   ] " << accepted_.size() << " accepted, " << keys.size() << " delivered, " << reruns
              << " re-run (Judge0 creates beyond their testcases), " << reposted << " posted more than once\n";
    RecordProperty("accepted", static_cast<int>(accepted_.size()));
    RecordProperty("reruns", reruns);
    RecordProperty("reposted", reposted);
    return reruns;
  }

  // The submissions a pod's log says it judged.
  static std::set<std::string> judged_by(const service_process& p) {
    std::set<std::string> ids;
    for (const auto& line : p.log_lines()) {
      auto o = parse(line);
      if (o["msg"] == "submission judged" && o["submission_id"].is_string())
        ids.insert(std::string(o["submission_id"].as_string()));
    }
    return ids;
  }

  static std::string submission_of(const std::string& source) {
    auto at = source.rfind("# ");
    return at == std::string::npos ? std::string() : source.substr(at + 2);
  }

  std::uint16_t redis_port_ = 0;
  std::unique_ptr<redis_server> redis_;
  http::io_runtime io_;
  std::unique_ptr<redis::client> inspect_;
  std::vector<std::unique_ptr<service_process>> pods_;
  std::map<std::string, int> accepted_;  // submission id -> its testcase count
  std::mutex creates_mutex_;
  std::map<std::string, int> creates_;  // submission id -> Judge0 creates for it
};

}  // namespace

TEST_F(StreamChaosTest, SigkilledPodsWorkIsTakenOverAndEverySubmissionDeliveredOnce) {
  start_redis();
  judge0.delay(50ms);  // every Judge0 answer: about 200 ms a testcase
  auto& a = start_pod("pod-a");
  auto& b = start_pod("pod-b");
  auto& c = start_pod("pod-c");
  ASSERT_FALSE(HasFailure()) << "a pod did not start on the redis store";
  service_process* pods[] = {&a, &b, &c};
  const int total = 300;
  std::map<int, int> refused;
  for (int i = 0; i < total; ++i) {
    auto id = "chaos-" + std::to_string(i);
    auto res = submit(*pods[i % 3], id, i % 2 ? "q2" : "q1");
    if (res.status != 202) ++refused[res.status];
  }
  EXPECT_GE(accepted_.size(), 270u) << "refused by status: " << ::testing::PrintToString(refused);

  // Mid-run: results are flowing and pod-c holds entries it has not finished.
  ASSERT_TRUE(eventually([&] { return delivered() >= 60 && held_by("pod-c") > 0; }, 30s))
      << "delivered " << delivered() << ", pod-c holds " << held_by("pod-c");
  ASSERT_LT(delivered(), accepted_.size()) << "the work was over before the kill";
  const auto held = held_by("pod-c");
  c.signal(SIGKILL);
  ASSERT_TRUE(c.wait_exit(5s).has_value());
  std::cout << "[ stream   ] pod-c killed holding " << held << " entries, " << delivered() << " delivered\n";

  auto reruns = expect_every_accepted_submission_delivered_once_and_the_queue_empty();
  EXPECT_GT(reruns, 0) << "the killed pod's running work was not re-run by its peers";
  EXPECT_EQ(held_by("pod-c"), 0);
}

TEST_F(StreamChaosTest, SigtermWithTooShortAGraceHandsWorkToThePeerInsteadOfShutdownErrors) {
  start_redis();
  judge0.delay(100ms);  // about 400 ms a testcase, 800 ms a submission: longer than the grace
  auto& a = start_pod("pod-a");
  auto& b = start_pod("pod-b", {{"SHUTDOWN_DELAY_MS", "0"}, {"SHUTDOWN_GRACE_MS", "300"}});
  ASSERT_FALSE(HasFailure()) << "a pod did not start on the redis store";
  for (int i = 0; i < 80; ++i)
    EXPECT_EQ(submit(i % 2 ? b : a, "term-" + std::to_string(i), "q2").status, 202);

  ASSERT_TRUE(eventually([&] { return delivered() >= 10 && held_by("pod-b") > 0; }, 30s))
      << "delivered " << delivered() << ", pod-b holds " << held_by("pod-b");
  const auto held = held_by("pod-b");
  auto signalled = std::chrono::steady_clock::now();
  b.signal(SIGTERM);
  auto code = b.wait_exit(10s);
  ASSERT_TRUE(code.has_value()) << "pod-b did not exit";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);
  std::cout << "[ stream   ] pod-b terminated holding " << held << " entries\n";

  auto reruns = expect_every_accepted_submission_delivered_once_and_the_queue_empty();
  EXPECT_GT(reruns, 0) << "no unfinished work was handed over: the grace was not too short";
}

TEST_F(StreamChaosTest, RedisKilledAndRestartedLosesNoAcceptedSubmissionAndRefusesNewOnesMeanwhile) {
  temp_dir dir;  // outlives the server: declared first
  ASSERT_FALSE(dir.path().empty());
  start_redis(aof_args(dir.path()));
  judge0.delay(300ms);  // slow enough that both pods are running something when Redis goes
  auto& a = start_pod("pod-a", {{"MAX_ACTIVE_SUBMISSIONS", "4"}});
  auto& b = start_pod("pod-b", {{"MAX_ACTIVE_SUBMISSIONS", "4"}});
  ASSERT_FALSE(HasFailure()) << "a pod did not start on the redis store";
  service_process* pods[] = {&a, &b};
  for (int i = 0; i < 60; ++i)
    EXPECT_EQ(submit(*pods[i % 2], "aof-" + std::to_string(i), "q1").status, 202);

  ASSERT_TRUE(eventually([&] { return delivered() >= 8; }, 30s));
  redis_->stop();  // SIGKILL: only the append-only file keeps the queue
  const auto at_kill = delivered();
  ASSERT_LT(at_kill, accepted_.size()) << "the work was over before Redis went";

  // While it is down: new submissions are refused for now, and none of them runs later.
  std::vector<std::string> refused;
  for (int i = 0; i < 6; ++i) {
    auto id = "down-" + std::to_string(i);
    auto res = submit(*pods[i % 2], id);
    EXPECT_EQ(res.status, 503) << res.body;
    auto lower = res.body;  // the contract's words, in whatever case the answer capitalises them
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(lower.find("submission store unavailable"), std::string::npos) << res.body;
    EXPECT_FALSE(http::find_header(res.headers, "Retry-After").empty());
    if (res.status != 202) refused.push_back(id);
  }
  // What was already running finishes and is delivered without Redis.
  EXPECT_TRUE(eventually([&] { return delivered() > at_kill; }, 15s));

  redis_->start();
  ASSERT_TRUE(redis_->ready());
  int probe = 0;
  EXPECT_TRUE(eventually(
      [&] {
        ++probe;
        return submit(*pods[probe % 2], "back-" + std::to_string(probe)).status == 202;
      },
      15s))
      << "no submission accepted after Redis came back";

  expect_every_accepted_submission_delivered_once_and_the_queue_empty();
  auto results = convex.accepted_results();
  for (const auto& id : refused) EXPECT_EQ(results.count(id), 0u) << id << " was refused, yet it ran";
}

TEST_F(StreamChaosTest, ASaturatedPodsOverflowRunsOnItsPeer) {
  start_redis();
  judge0.delay(50ms);
  auto& a = start_pod("pod-a", {{"MAX_ACTIVE_SUBMISSIONS", "1"}});
  auto& b = start_pod("pod-b", {{"MAX_ACTIVE_SUBMISSIONS", "8"}});
  ASSERT_FALSE(HasFailure()) << "a pod did not start on the redis store";
  for (int i = 0; i < 10; ++i) EXPECT_EQ(submit(a, "over-" + std::to_string(i)).status, 202);

  expect_every_accepted_submission_delivered_once_and_the_queue_empty(30s);
  // "submission judged" is logged before the result is posted; the pipe may lag a little.
  std::set<std::string> on_a, on_b;
  EXPECT_TRUE(eventually(
      [&] {
        on_a = judged_by(a);
        on_b = judged_by(b);
        std::size_t seen = 0;
        for (const auto& kv : accepted_) seen += on_a.count(kv.first) || on_b.count(kv.first) ? 1 : 0;
        return seen == accepted_.size();
      },
      5s));
  std::cout << "[ stream   ] judged on pod-a " << on_a.size() << ", on pod-b " << on_b.size() << "\n";
  EXPECT_GT(on_b.size(), 0u) << "pod-a's overflow did not run on pod-b";
  EXPECT_LT(on_a.size(), accepted_.size());
}
