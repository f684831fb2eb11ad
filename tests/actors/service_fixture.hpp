// The whole actor system in-process (app + io runtime) against mock Judge0 and mock Convex.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "../support/fixtures.hpp"
#include "../support/http_test_client.hpp"
#include "../support/mock_convex.hpp"
#include "../support/mock_judge0.hpp"
#include "actors/app.hpp"
#include "config/config.hpp"

namespace cx::testing {

class ServiceTest : public ::testing::Test {
 protected:
  // Starts the app with the contract defaults plus fast timings and `overrides`.
  void start(std::map<std::string, std::string> overrides = {}) {
    std::map<std::string, std::string> env{
        {"CONVEX_SITE_URL", convex.url()},   {"JUDGE0_BASE_URL", judge0.url()},
        {"CODE_EXEC_API_KEYS", "test-key"},  {"JUDGE0_POLL_INTERVAL_MS", "5"},
        {"JUDGE0_MIN_POLL_INTERVAL_MS", "0"},
        {"BIND_ADDRESS", "127.0.0.1"},       {"PORT", "0"},
        {"CONVEX_TIMEOUT_MS", "1000"},       {"JUDGE0_TIMEOUT_MS", "1000"},
        {"RATE_LIMIT_BURST", "1000"},        {"RATE_LIMIT_PER_MINUTE", "60000"},
        {"SHUTDOWN_DELAY_MS", "0"},          {"LOG_LEVEL", "error"}};
    for (auto& kv : overrides) env[kv.first] = kv.second;
    auto parsed = parse_config_from_map(env);
    ASSERT_TRUE(std::holds_alternative<config>(parsed)) << std::get<std::string>(parsed);
    cfg = std::make_shared<const config>(std::get<config>(parsed));
    sys_cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(sys_cfg);
    service = std::make_unique<app>(*sys, io, cfg, [this] { drained = true; });
    io.start();
  }

  void TearDown() override {
    if (service) service->stop();
    if (sys) sys->await_all_actors_done();
    io.stop();
    service.reset();
    // io is destroyed before sys (member order), dropping handlers that hold actor handles.
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(service->port()) + path; }

  http::client_response post(const std::string& path, const std::string& body, http::header_list extra = {}) {
    http::header_list h{{"Content-Type", "application/json"}, {"X-Code-Exec-Key", "test-key"}};
    for (auto& x : extra) h.push_back(x);
    return client.call("POST", url(path), body, h);
  }

  // Submits and waits for Convex to accept its result; returns the result object.
  boost::json::object judge(const std::string& question, const std::string& sid, const std::string& source = "x") {
    auto res = post("/v1/judge-question", judge_question_body(question, sid, source));
    EXPECT_EQ(res.status, 202) << res.body;
    EXPECT_TRUE(eventually([&] { return convex.accepted_results().count(sid) == 1; }, std::chrono::seconds(15)))
        << "no result for " << sid;
    return parse(convex.last_result_body(sid));
  }

  mock_judge0 judge0;
  mock_convex convex;
  test_client client;
  std::shared_ptr<const config> cfg;
  caf::actor_system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  http::io_runtime io;
  std::unique_ptr<app> service;
  std::atomic<bool> drained{false};
};

}  // namespace cx::testing
