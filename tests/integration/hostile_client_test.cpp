// Hostile clients against the real binary (issue #15). Each attack runs bounded in time and count
// while three things are measured: the service's RSS stays under idle + 64 MiB, a well-behaved
// client's GET /healthz keeps a p99 under 50 ms, and legitimate submissions sent meanwhile all
// reach their result at the mock Convex. A table of the figures is printed at the end.
//
// Adding an attack is one run_attack("name", body) call: body(port, stop, tally) loops until
// `stop` (or its own bound), counting what it sent in tally.ops and any answer that must never
// happen (a smuggled request answered, a 200 where 4xx belongs) in tally.anomalies.
#include "binary_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "../support/process_rss.hpp"
#include "../support/raw_socket.hpp"

using namespace cx;
using namespace cx::testing;
using namespace std::chrono_literals;

namespace {

struct tally {
  std::atomic<std::int64_t> ops{0};
  std::atomic<std::int64_t> anomalies{0};
};
using attack_body = std::function<void(std::uint16_t port, const std::atomic<bool>& stop, tally& t)>;

constexpr auto kAttackTime = 3s;
constexpr int kSubmissionsPerAttack = 3;
constexpr std::int64_t kRssHeadroomKib = 64 * 1024;
constexpr double kHealthzP99Ms = 50;

const std::string kKeyedChunkedHead =
    "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

// Runs `body` on `n` threads until each returns (they watch `stop`).
void in_threads(int n, const std::function<void()>& body) {
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i) ts.emplace_back(body);
  for (auto& t : ts) t.join();
}

// One request on its own connection ("Connection: close"); the answer's status, 0 when none came.
int call_status(std::uint16_t port, const std::string& request) {
  raw_connection c(port);
  if (!c.ok() || !c.send(request)) return 0;
  auto raw = c.read_all(2s);
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.substr(9, 3).c_str());
}

std::string keyed_post(const std::string& body) {
  return "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sends `head`, then `piece` over and over, on fresh connections, until the server cuts each one.
void flood_after(std::uint16_t port, const std::atomic<bool>& stop, tally& t, const std::string& head,
                 const std::string& piece) {
  constexpr std::size_t kMaxPerConnection = 200u << 20;
  while (!stop) {
    raw_connection c(port);
    ++t.ops;
    if (!c.send(head)) continue;
    for (std::size_t sent = 0; !stop && sent < kMaxPerConnection && c.send(piece);) sent += piece.size();
  }
}

struct figures {
  std::string attack;
  std::int64_t ops = 0;
  std::int64_t anomalies = 0;
  double rss_over_idle_mib = 0;
  std::size_t probes = 0;
  std::size_t probe_failures = 0;
  std::size_t probe_retries = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int submitted = 0;
  int delivered = 0;
};

class HostileClientTest : public BinaryTest {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
    // ASan's quarantine keeps freed memory and slows every request: RSS and latency mean nothing.
    GTEST_SKIP() << "figures of RSS and latency are measured in the plain build only";
#endif
    // Admission bounds what judging holds: 8 runs, and 8 MiB of requests waiting for them.
    start({{"MAX_CONNECTIONS", "64"}, {"MAX_ACTIVE_SUBMISSIONS", "8"}, {"MAX_QUEUED_BYTES", "8388608"}});
    convex.add_echo_question("q", 1);
    // Warm up: one judged submission and some probes, so idle RSS includes the steady state.
    ASSERT_EQ(call_status(proc->port(), keyed_post(judge_question_body("q", "warm-up"))), 202);
    ASSERT_TRUE(convex.wait_results(1, 10s));
    for (int i = 0; i < 50; ++i) probe_healthz();
    idle_rss_kib_ = vm_rss_kib(proc->pid());
  }

  static void TearDownTestSuite() {
    std::printf("\n%-31s %9s %5s %9s %7s %5s %5s %7s %7s %6s\n", "attack", "ops", "anom", "rss+MiB", "probes", "retry",
                "fail", "p50ms", "p99ms", "subs");
    for (const auto& f : table_) {
      std::printf("%-31s %9lld %5lld %9.1f %7zu %5zu %5zu %7.2f %7.2f %3d/%-2d\n", f.attack.c_str(),
                  static_cast<long long>(f.ops), static_cast<long long>(f.anomalies), f.rss_over_idle_mib, f.probes,
                  f.probe_retries, f.probe_failures, f.p50_ms, f.p99_ms, f.delivered, f.submitted);
    }
    table_.clear();
  }

  // The well-behaved client: one GET /healthz on a fresh connection; its latency (a retry
  // included), or nullopt. Like any HTTP client it retries an idempotent request once when the
  // connection closed unanswered: at the cap, a churn of thousands of new connections a second
  // can evict it before its first bytes are read.
  std::optional<double> probe_healthz(std::size_t* retries = nullptr) {
    const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    auto t0 = std::chrono::steady_clock::now();
    int status = call_status(proc->port(), get);
    if (status == 0 && retries) {
      ++*retries;
      status = call_status(proc->port(), get);
    }
    if (status != 200) return std::nullopt;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }

  void run_attack(const std::string& name, const attack_body& body) {
    SCOPED_TRACE(name);
    figures f;
    f.attack = name;
    std::atomic<bool> stop{false};
    tally t;
    std::atomic<std::int64_t> peak_kib{idle_rss_kib_};
    std::vector<double> latencies;
    std::thread attacker([&] { body(proc->port(), stop, t); });
    std::thread sampler([&] {
      while (!stop) {
        peak_kib = std::max(peak_kib.load(), vm_rss_kib(proc->pid()));
        std::this_thread::sleep_for(10ms);
      }
    });
    std::thread prober([&] {
      std::this_thread::sleep_for(100ms);  // the attack gets going first
      while (!stop) {
        auto ms = probe_healthz(&f.probe_retries);
        ++f.probes;
        if (ms) latencies.push_back(*ms);
        else ++f.probe_failures;
        std::this_thread::sleep_for(2ms);
      }
    });
    std::vector<std::string> ids;
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kSubmissionsPerAttack; ++i) {
      std::this_thread::sleep_until(started + kAttackTime * (2 * i + 1) / (2 * kSubmissionsPerAttack));
      ids.push_back("hostile-" + std::to_string(table_.size()) + "-" + std::to_string(i));
      EXPECT_EQ(call_status(proc->port(), keyed_post(judge_question_body("q", ids.back()))), 202) << ids.back();
    }
    std::this_thread::sleep_until(started + kAttackTime);
    stop = true;
    attacker.join();
    sampler.join();
    prober.join();

    f.submitted = static_cast<int>(ids.size());
    eventually([&] {
      auto got = convex.accepted_results();
      return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return got.count(id) > 0; });
    });
    auto got = convex.accepted_results();
    for (const auto& id : ids) f.delivered += got.count(id) > 0 ? 1 : 0;
    f.ops = t.ops;
    f.anomalies = t.anomalies;
    f.rss_over_idle_mib = static_cast<double>(peak_kib - idle_rss_kib_) / 1024.0;
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
      return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p * latencies.size()))];
    };
    f.p50_ms = pct(0.50);
    f.p99_ms = pct(0.99);
    table_.push_back(f);

    EXPECT_LT(peak_kib - idle_rss_kib_, kRssHeadroomKib) << "RSS rose " << f.rss_over_idle_mib << " MiB";
    EXPECT_GT(latencies.size(), 20u);
    EXPECT_EQ(f.probe_failures, 0u);
    EXPECT_LE(f.probe_retries * 100, f.probes);  // retries stay rare
    EXPECT_LT(f.p99_ms, kHealthzP99Ms);
    EXPECT_EQ(f.delivered, f.submitted);
    EXPECT_EQ(f.anomalies, 0);
    EXPECT_GT(f.ops, 0);
  }

  std::int64_t idle_rss_kib_ = 0;
  static inline std::vector<figures> table_;
};

}  // namespace

TEST_F(HostileClientTest, EveryAttackLeavesMemoryHealthzAndSubmissionsIntact) {
  run_attack("huge chunk extension", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    in_threads(8, [&] { flood_after(port, stop, t, kKeyedChunkedHead + "3;", std::string(64 * 1024, 'a')); });
  });

  run_attack("huge trailer", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    std::string lines;
    while (lines.size() < 64 * 1024) lines += "X-Trailer: v\r\n";
    in_threads(8, [&] { flood_after(port, stop, t, kKeyedChunkedHead + "3\r\n{}\n\r\n0\r\n", lines); });
  });

  run_attack("pipelining, never reading", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    std::string batch;
    for (int i = 0; i < 1000; ++i) batch += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    in_threads(16, [&] {
      raw_connection c(port);
      while (!stop && c.send(batch)) t.ops += 1000;  // blocks once the server stops reading
      while (!stop) std::this_thread::sleep_for(10ms);
    });
  });

  run_attack("idle + slow headers > cap", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    in_threads(4, [&] {
      std::vector<raw_connection> held;
      for (int i = 0; i < 50; ++i) held.emplace_back(port);
      while (!stop) {  // each connection the server closes is opened again, half of them sending a partial header
        for (std::size_t i = 0; i < held.size() && !stop; ++i) {
          if (held[i].ok() && !held[i].wait_closed(0ms)) continue;
          held[i] = raw_connection(port);
          if (i % 2) held[i].send("GET /healthz HTTP/1.1\r\nHo");
          ++t.ops;
        }
        std::this_thread::sleep_for(5ms);
      }
    });
  });

  run_attack("keyless 1 MiB bodies", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    const std::string piece(64 * 1024, 'x');
    std::atomic<int> n{0};
    in_threads(8, [&] {
      while (!stop) {
        bool expect = n++ % 2 == 0;
        raw_connection c(port);
        c.send("POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 1048576\r\n" +
               std::string(expect ? "Expect: 100-continue\r\n" : "") + "\r\n");
        for (int i = 0; i < 16 && !expect && c.send(piece); ++i) {
        }
        auto answer = c.read_some(2s);
        ++t.ops;
        if (answer.rfind("HTTP/1.1 401", 0) != 0) ++t.anomalies;
      }
    });
  });

  run_attack("rotating rate-limit subjects", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    std::atomic<std::uint64_t> n{0};
    in_threads(4, [&] {
      raw_connection c(port);
      while (!stop) {
        auto subject = std::to_string(n++) + std::string(100, 's');  // a new bucket each time, 128 bytes at most
        const std::string req = "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\n"
                                "Content-Type: application/json\r\nX-Code-Exec-Subject: " + subject +
                                "\r\nContent-Length: 2\r\n\r\n{}";
        if (!c.ok() || !c.send(req)) {
          c = raw_connection(port);
          continue;
        }
        auto answer = c.read_some(2s);
        ++t.ops;
        if (answer.rfind("HTTP/1.1 400", 0) != 0) ++t.anomalies;  // past the limiter, refused as a body
      }
    });
  });

  run_attack("inline-judge flood", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    boost::json::array tcs;
    tcs.push_back(boost::json::object{{"stdin", std::string(256 * 1024, 'i')}, {"expectedStdout", "x"}});
    const auto body = boost::json::serialize(boost::json::object{{"languageId", 71}, {"sourceCode", "s"}, {"testCases", tcs}});
    const auto req = "POST /v1/judge HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\nContent-Type: application/json\r\n"
                     "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    in_threads(16, [&] {
      while (!stop) {
        int status = call_status(port, req);
        ++t.ops;
        if (status != 200 && status != 503) ++t.anomalies;  // judged, or refused by admission
      }
    });
  });

  run_attack("ids no header can carry", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    const std::string bad_ids[] = {"s\r\nX-Injected: 1", std::string(100 * 1024, 's'), std::string("s\0t", 3)};
    std::atomic<int> n{0};
    in_threads(4, [&] {
      while (!stop) {
        auto body = judge_question_body("q", bad_ids[n++ % 3]);
        ++t.ops;
        if (call_status(port, keyed_post(body)) != 400) ++t.anomalies;
      }
    });
  });

  run_attack("smuggling via transfer codings", [](std::uint16_t port, const std::atomic<bool>& stop, tally& t) {
    const char* codings[] = {"gzip", "xchunked", "identity", "chunked, identity"};
    std::atomic<int> n{0};
    in_threads(4, [&] {
      while (!stop) {
        std::string te = codings[n++ % 4];
        auto raw = raw_exchange(port, "POST /v1/judge-question HTTP/1.1\r\nHost: x\r\nX-Code-Exec-Key: key-a\r\n"
                                      "Transfer-Encoding: " + te + "\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        ++t.ops;
        if (raw.rfind("HTTP/1.1 400", 0) != 0 || raw.find("code_exec_") != std::string::npos) ++t.anomalies;
      }
    });
  });
}
