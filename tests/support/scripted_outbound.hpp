// A scripted http::outbound for the deterministic actor tests: it records every call (with the
// delay a delayed one was asked for) and answers one only when the test says, so Judge0 and
// Convex are whatever the test plays. Answers reach the actor as messages: run the scheduler after.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "http/outbound.hpp"

namespace cx::testing {

class scripted_outbound final : public http::outbound {
 public:
  struct call {
    http::client_request req;
    std::chrono::milliseconds delay{0};
    http::client_done done;
    bool answered = false;
  };

  void send(http::client_request req, http::client_done done) override {
    calls.push_back({std::move(req), std::chrono::milliseconds(0), std::move(done)});
  }
  void send_after(std::chrono::milliseconds delay, http::client_request req, http::client_done done) override {
    calls.push_back({std::move(req), delay, std::move(done)});
  }

  std::size_t open() const {
    std::size_t n = 0;
    for (auto& c : calls) n += !c.answered;
    return n;
  }

  void answer(std::size_t i, int status, std::string body = "", http::header_list headers = {}) {
    http::client_response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    complete(i, std::move(r));
  }

  // A call that failed before an answer; `nothing_sent` as the client reports a refused connect.
  void fail(std::size_t i, bool nothing_sent = false, bool timed_out = false) {
    http::client_response r;
    r.error = timed_out ? "timeout" : "connection refused";
    r.nothing_sent = nothing_sent;
    r.timed_out = timed_out;
    complete(i, std::move(r));
  }

  std::vector<call> calls;

 private:
  void complete(std::size_t i, http::client_response r) {
    auto& c = calls.at(i);
    if (c.answered) throw std::logic_error("call answered twice");
    c.answered = true;
    c.done(std::move(r));
  }
};

}  // namespace cx::testing
