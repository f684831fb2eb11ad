// Mock Convex and Judge0 pool actors for the deterministic actor tests: they speak the real typed
// conversations, answer what their script says, and record what they were told. A held request
// is answered when the test sends release_atom (promises are delivered from inside their actor).
#pragma once

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "messages/atoms.hpp"
#include "messages/convex_interface.hpp"
#include "messages/convex_messages.hpp"
#include "messages/judge0_messages.hpp"
#include "messages/judge0_pool_interface.hpp"

namespace cx::testing {

using release_atom = caf::atom_constant<caf::atom("release")>;
using convex_mock = convex_actor::extend<caf::reacts_to<release_atom>>;
using pool_mock = judge0_pool_actor::extend<caf::reacts_to<release_atom>>;

// A question whose testcase i reads "in i" and expects "out i".
inline std::string question_body(int count) {
  boost::json::array tcs;
  for (int i = 0; i < count; ++i)
    tcs.push_back({{"_id", "t" + std::to_string(i)},
                   {"visibility", "public"},
                   {"stdin", "in " + std::to_string(i)},
                   {"expectedStdout", "out " + std::to_string(i)},
                   {"order", i}});
  boost::json::object q{{"question",
                         {{"_id", "q"},
                          {"timeLimitSeconds", 2},
                          {"memoryLimitMb", 128},
                          {"outputComparison", {{"trimOutputs", true}, {"normalizeWhitespace", false}, {"caseSensitive", true}}}}},
                        {"testCases", std::move(tcs)}};
  return boost::json::serialize(q);
}

inline judge0_outcome printed(std::string out) {
  judge0_outcome o;
  o.status_id = 3;
  o.status_description = "Accepted";
  o.stdout_text = std::move(out);
  return o;
}

// What the mock Convex actor answers, and what it was told.
struct convex_script {
  int running_status = 200;
  bool hold_running = false;
  bool hold_results = false;
  int fetch_status = 200;
  std::string testcases = question_body(3);
  std::function<void(caf::strong_actor_ptr)> on_fetch;  // e.g. kill the asking submission
  std::vector<caf::typed_response_promise<convex_answer>> held;
  std::vector<caf::typed_response_promise<bool>> held_results;
  std::vector<std::string> marked;  // submission ids, in order
  std::vector<caf::strong_actor_ptr> marked_by;  // the actors that asked
  std::vector<std::string> fetched_by;  // question ids asked for, in order
  std::vector<submission_result> results;
};

// What the mock Judge0 pool answers: by default each testcase's expected output; nullopt holds it.
struct pool_script {
  std::function<std::optional<judge0_outcome>(const judge0_job&)> answer = [](const judge0_job& j) {
    return std::optional<judge0_outcome>(printed("out " + j.run.stdin_text.substr(3)));
  };
  std::vector<std::string> stdins;          // in the order the jobs came
  std::vector<std::string> submission_ids;  // of those jobs
  std::vector<caf::typed_response_promise<judge0_outcome>> held;
};

inline convex_mock spawn_convex_mock(caf::actor_system& sys, convex_script* c) {
  return sys.spawn([c](convex_mock::pointer self) -> convex_mock::behavior_type {
    return {
        [self, c](running_atom, submission_kind, std::string& id) -> caf::result<convex_answer> {
          c->marked.push_back(id);
          c->marked_by.push_back(self->current_sender());
          if (!c->hold_running) return convex_answer{c->running_status, "{}", ""};
          c->held.push_back(self->make_response_promise<convex_answer>());
          return c->held.back();
        },
        [self, c](fetch_atom, submission_kind, std::string& question_id) {
          c->fetched_by.push_back(question_id);
          if (c->on_fetch) c->on_fetch(self->current_sender());
          return convex_answer{c->fetch_status, c->fetch_status == 200 ? c->testcases : "", ""};
        },
        [self, c](result_atom, submission_kind, submission_result& r) -> caf::result<bool> {
          c->results.push_back(r);
          if (!c->hold_results) return true;
          c->held_results.push_back(self->make_response_promise<bool>());
          return c->held_results.back();
        },
        [c](release_atom) {
          for (auto& rp : c->held) rp.deliver(convex_answer{200, "{}", ""});
          for (auto& rp : c->held_results) rp.deliver(true);
          c->held.clear();
          c->held_results.clear();
        },
    };
  });
}

inline pool_mock spawn_pool_mock(caf::actor_system& sys, pool_script* p) {
  return sys.spawn([p](pool_mock::pointer self) -> pool_mock::behavior_type {
    return {
        [self, p](run_atom, judge0_job& job) -> caf::result<judge0_outcome> {
          p->stdins.push_back(job.run.stdin_text);
          p->submission_ids.push_back(job.submission_id);
          if (auto o = p->answer(job)) return *o;
          p->held.push_back(self->make_response_promise<judge0_outcome>());
          return p->held.back();
        },
        [](judge0_callback&) {},
        [](ran_for_atom, std::int64_t) {},
        [p](release_atom) {
          for (auto& rp : p->held) rp.deliver(printed("out 0"));
          p->held.clear();
        },
    };
  });
}

}  // namespace cx::testing
