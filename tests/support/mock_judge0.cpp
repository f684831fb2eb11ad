#include "mock_judge0.hpp"

#include <boost/json.hpp>

#include <thread>

#include "http_test_client.hpp"
#include "messages/base64.hpp"

namespace cx::testing {

mock_judge0::mock_judge0() {
  script_ = [](const judge0_submission& s) {
    judge0_verdict v;
    v.stdout_text = s.stdin_text;
    return v;
  };
  http::server_options opts;
  opts.bind_address = "127.0.0.1";
  server_ = std::make_unique<http::server>(io_, opts, [this](http::request req, http::responder_ptr reply) {
    std::chrono::milliseconds d;
    bool early = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      d = delay_;
      early = callback_faults_.before_create_answer;
    }
    if (d.count() > 0 && early) {
      auto res = handle(req);
      start_callbacks();
      std::lock_guard<std::mutex> workers_lock(workers_mutex_);
      workers_.push_back(std::thread([reply, res = std::move(res), d]() {
        std::this_thread::sleep_for(d);
        reply->send(res);
      }));
      return;
    }
    if (d.count() > 0) {
      // Answer later from a side thread so the io threads stay free.
      std::lock_guard<std::mutex> workers_lock(workers_mutex_);
      workers_.push_back(std::thread([this, req = std::move(req), reply, d]() {
        std::this_thread::sleep_for(d);
        reply->send(handle(req));
        start_callbacks();
      }));
      return;
    }
    reply->send(handle(req));
    start_callbacks();
  });
  io_.start();
}

mock_judge0::~mock_judge0() {
  // Joined outside the lock: a worker may still start callbacks, which takes it.
  for (;;) {
    std::vector<std::thread> done;
    {
      std::lock_guard<std::mutex> lock(workers_mutex_);
      done.swap(workers_);
    }
    if (done.empty()) break;
    for (auto& t : done) t.join();
  }
  server_->close();
  io_.stop();
}

std::string mock_judge0::url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

void mock_judge0::script(std::function<judge0_verdict(const judge0_submission&)> f) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_ = std::move(f);
}

void mock_judge0::fail_submits(int status, std::string body, int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  submit_fault_status_ = status;
  submit_fault_body_ = std::move(body);
  submit_fault_count_ = count;
}

void mock_judge0::fail_languages(int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  languages_status_ = status;
}

void mock_judge0::fail_polls(int status, std::string body, int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  poll_fault_status_ = status;
  poll_fault_body_ = std::move(body);
  poll_fault_count_ = count;
}

void mock_judge0::delay(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mutex_);
  delay_ = d;
}

void mock_judge0::never_finish(bool on) {
  std::lock_guard<std::mutex> lock(mutex_);
  never_finish_ = on;
}

void mock_judge0::reset_faults() {
  std::lock_guard<std::mutex> lock(mutex_);
  submit_fault_count_ = poll_fault_count_ = 0;
  delay_ = std::chrono::milliseconds(0);
  never_finish_ = false;
  callback_faults_ = {};
}

void mock_judge0::callbacks(judge0_callback_faults f) {
  std::lock_guard<std::mutex> lock(mutex_);
  callback_faults_ = f;
}

std::vector<int> mock_judge0::callback_statuses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return callback_statuses_;
}

void mock_judge0::start_callbacks() {
  std::vector<queued_callback> todo;
  judge0_callback_faults f;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    todo.swap(queued_callbacks_);
    f = callback_faults_;
  }
  // Delayed answers call this from a worker that the destructor may be joining under workers_mutex_.
  if (todo.empty()) return;
  std::lock_guard<std::mutex> workers_lock(workers_mutex_);
  for (auto& cb : todo) {
    workers_.push_back(std::thread([this, cb = std::move(cb), f]() {
      std::this_thread::sleep_for(f.delay);
      test_client client;
      for (int i = 0; i < f.copies; ++i) {
        auto res = client.call("PUT", cb.url, f.corrupt ? "{not json" : cb.body, {{"Content-Type", "application/json"}},
                               std::chrono::seconds(5));
        ++callbacks_sent_;
        std::lock_guard<std::mutex> lock(mutex_);
        callback_statuses_.push_back(res.status);
      }
    }));
  }
}

int mock_judge0::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& kv : entries_) n += kv.second.done ? 0 : 1;
  return n;
}

std::string mock_judge0::last_submit_body() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_submit_body_;
}

std::string mock_judge0::last_submit_target() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_submit_target_;
}

std::string mock_judge0::last_poll_target() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_poll_target_;
}

std::vector<std::chrono::steady_clock::time_point> mock_judge0::poll_times(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = poll_times_.find(token);
  return it == poll_times_.end() ? std::vector<std::chrono::steady_clock::time_point>{} : it->second;
}

std::chrono::steady_clock::time_point mock_judge0::created_at(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(token);
  return it == entries_.end() ? std::chrono::steady_clock::time_point{} : it->second.created;
}

std::string mock_judge0::last_auth_token() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_auth_;
}

namespace {

// A submission as GET /submissions/{token}?base64_encoded=true&fields=* shows it.
std::string submission_json(const std::string& token, const judge0_verdict& v, int status) {
  boost::json::object o{{"token", token}, {"time", "0.01"}, {"memory", 1024}};
  auto b64 = [](const std::optional<std::string>& s) -> boost::json::value {
    if (!s || s->empty()) return nullptr;
    return boost::json::value(base64_encode_lines(*s));
  };
  bool terminal = status >= 3;
  o["stdout"] = terminal ? b64(v.stdout_text) : nullptr;
  o["stderr"] = terminal ? b64(v.stderr_text) : nullptr;
  o["compile_output"] = terminal ? b64(v.compile_output) : nullptr;
  o["message"] = terminal ? b64(v.message) : nullptr;
  o["exit_code"] = terminal ? boost::json::value(0) : nullptr;
  o["status"] = boost::json::object{{"id", status}, {"description", "status"}};
  return boost::json::serialize(o);
}

}  // namespace

http::response mock_judge0::handle(const http::request& req) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_auth_ = std::string(req.header_value("X-Auth-Token"));
  auto path = std::string(req.path());
  if (req.method == "GET" && path == "/languages") {
    ++language_probes_;
    if (languages_status_ != 200) return http::response::json(languages_status_, R"({"error":"injected"})");
    return http::response::json(200, R"j([{"id":71,"name":"Python (3.8.1)"}])j");
  }
  if (req.method == "POST" && path == "/submissions") {
    last_submit_body_ = req.body;
    last_submit_target_ = req.target;
    if (submit_fault_count_ > 0) {
      --submit_fault_count_;
      return http::response::json(submit_fault_status_, submit_fault_body_);
    }
    ++submits_;
    auto v = boost::json::parse(req.body).as_object();
    judge0_submission sub;
    sub.source = base64_decode(v["source_code"].as_string()).value_or("");
    sub.stdin_text = base64_decode(v["stdin"].as_string()).value_or("");
    sub.raw_body = req.body;
    auto token = "tok-" + std::to_string(++next_token_);
    entries_[token] = entry{sub, script_(sub), 0, false, std::chrono::steady_clock::now()};
    int live = 0;
    for (const auto& kv : entries_) live += kv.second.done ? 0 : 1;
    if (live > max_in_flight_) max_in_flight_ = live;
    // The callback carries the final state at once; polls keep their scripted progress.
    if (auto* cb = v.if_contains("callback_url"); cb && cb->is_string() && !callback_faults_.drop && !never_finish_)
      queued_callbacks_.push_back({std::string(cb->as_string()), submission_json(token, entries_[token].verdict,
                                                                                 entries_[token].verdict.status_id)});
    return http::response::json(201, boost::json::serialize(boost::json::object{{"token", token}}));
  }
  if (req.method == "GET" && path.rfind("/submissions/", 0) == 0) {
    last_poll_target_ = req.target;
    poll_times_[path.substr(13)].push_back(std::chrono::steady_clock::now());
    if (poll_fault_count_ > 0) {
      --poll_fault_count_;
      return http::response::json(poll_fault_status_, poll_fault_body_);
    }
    auto it = entries_.find(path.substr(13));
    if (it == entries_.end()) return http::response::json(404, R"({"error":"Not Found"})");
    auto& e = it->second;
    int status = 1;
    if (!never_finish_) {
      status = e.polls == 0 ? 1 : e.polls < e.verdict.polls_before_done ? 2 : e.verdict.status_id;
      ++e.polls;
    }
    if (status >= 3) e.done = true;
    return http::response::json(200, submission_json(it->first, e.verdict, status));
  }
  return http::response::json(404, R"({"error":"Not Found"})");
}

}  // namespace cx::testing
