#include "mock_convex.hpp"

#include <boost/json.hpp>

#include <thread>

namespace cx::testing {

mock_convex::mock_convex() {
  http::server_options opts;
  opts.bind_address = "127.0.0.1";
  server_ = std::make_unique<http::server>(io_, opts, [this](http::request req, http::responder_ptr reply) {
    recorded_call call;
    call.route = std::string(req.path());
    call.body = req.body;
    call.headers = req.headers;
    fault f;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = faults_.find(call.route);
      if (it != faults_.end() && it->second.count > 0) {
        --it->second.count;
        f = it->second;
      }
    }
    if (f.count > 0 || f.status != 0 || f.delay.count() > 0) {
      std::lock_guard<std::mutex> workers_lock(workers_mutex_);
      workers_.push_back(std::thread([this, call, reply, f, req = std::move(req)]() mutable {
        std::this_thread::sleep_for(f.delay);
        if (f.status != 0) {
          call.answered = f.status;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            calls_.push_back(call);
          }
          changed_.notify_all();
          auto res = http::response::json(f.status, R"({"error":"injected"})");
          if (!f.retry_after.empty()) res.set_header("Retry-After", f.retry_after);
          reply->send(std::move(res));
          return;
        }
        reply->send(handle(req, call));
      }));
      return;
    }
    reply->send(handle(req, call));
  });
  io_.start();
}

mock_convex::~mock_convex() {
  {
    std::lock_guard<std::mutex> lock(workers_mutex_);
    for (auto& t : workers_) t.join();
  }
  server_->close();
  io_.stop();
}

std::string mock_convex::url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

void mock_convex::add_question(const std::string& id, const std::string& testcases_json) {
  std::lock_guard<std::mutex> lock(mutex_);
  questions_[id] = testcases_json;
}

void mock_convex::add_echo_question(const std::string& id, int count, bool hidden_last) {
  boost::json::array tcs;
  for (int i = 0; i < count; ++i) {
    auto in = "line " + std::to_string(i) + "\n";
    tcs.push_back({{"_id", "tc" + std::to_string(i)},
                   {"visibility", hidden_last && i == count - 1 ? "hidden" : "public"},
                   {"stdin", in},
                   {"expectedStdout", in},
                   {"order", i}});
  }
  boost::json::object q{{"question",
                         {{"_id", id},
                          {"timeLimitSeconds", 2},
                          {"memoryLimitMb", 128},
                          {"outputComparison", {{"trimOutputs", true}, {"normalizeWhitespace", false}, {"caseSensitive", true}}}}},
                        {"testCases", std::move(tcs)}};
  add_question(id, boost::json::serialize(q));
}

void mock_convex::fail(const std::string& route, int status, int count, std::chrono::milliseconds delay,
                       std::string retry_after) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_[route] = fault{status, count, delay, std::move(retry_after)};
}

void mock_convex::reset_faults() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.clear();
}

std::vector<recorded_call> mock_convex::calls(const std::string& route) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<recorded_call> out;
  for (const auto& c : calls_)
    if (c.route == route) out.push_back(c);
  return out;
}

std::map<std::string, int> mock_convex::accepted_results() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return accepted_;
}

std::string mock_convex::last_result_body(const std::string& submission_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = last_result_.find(submission_id);
  return it == last_result_.end() ? std::string() : it->second;
}

bool mock_convex::wait_results(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    std::size_t total = 0;
    for (const auto& kv : accepted_) total += static_cast<std::size_t>(kv.second);
    return total >= n;
  });
}

http::response mock_convex::handle(const http::request& req, recorded_call& call) {
  http::response res;
  boost::system::error_code ec;
  auto body = boost::json::parse(req.body, ec);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto& route = call.route;
    if (req.method == "GET") {
      res = http::response::json(200, R"({"ok":true})");
    } else if (ec || !body.is_object()) {
      res = http::response::json(400, R"({"error":"bad json"})");
    } else if (route == "/coding/testcases" || route == "/coding/personalized-testcases") {
      auto* qid = body.as_object().if_contains("questionId");
      auto it = qid && qid->is_string() ? questions_.find(std::string(qid->as_string())) : questions_.end();
      res = it == questions_.end() ? http::response::json(404, R"({"error":"question not found"})")
                                   : http::response::json(200, it->second);
    } else if (route == "/coding/submission-running" || route == "/coding/personalized-submission-running") {
      res = http::response::json(200, R"({"ok":true})");
    } else if (route == "/coding/submission-result" || route == "/coding/personalized-submission-result") {
      auto* sid = body.as_object().if_contains("submissionId");
      std::string id = sid && sid->is_string() ? std::string(sid->as_string()) : "";
      ++accepted_[id];
      last_result_[id] = req.body;
      res = http::response::json(200, R"({"ok":true})");
    } else {
      res = http::response::json(404, R"({"error":"no route"})");
    }
    call.answered = res.status;
    calls_.push_back(call);
  }
  changed_.notify_all();
  return res;
}

}  // namespace cx::testing
