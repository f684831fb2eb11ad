// The built code-exec binary on a free loopback port, with mock Judge0 and Convex.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "../support/fixtures.hpp"
#include "../support/http_test_client.hpp"
#include "../support/mock_convex.hpp"
#include "../support/mock_judge0.hpp"
#include "../support/service_process.hpp"

namespace cx::testing {

class BinaryTest : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> overrides = {}) {
    proc = std::make_unique<service_process>(service_env(std::move(overrides)));
    ASSERT_TRUE(proc->wait_ready()) << proc->all_output();
  }

  // The environment start() gives the binary: the mocks, two keys, fast polling, no rate limit.
  std::map<std::string, std::string> service_env(std::map<std::string, std::string> overrides = {}) {
    std::map<std::string, std::string> env{
        {"CONVEX_SITE_URL", convex.url()}, {"JUDGE0_BASE_URL", judge0.url()}, {"CODE_EXEC_API_KEYS", "key-a,key-b"},
        {"JUDGE0_MIN_POLL_INTERVAL_MS", "0"},
        {"JUDGE0_POLL_INTERVAL_MS", "5"},  {"SHUTDOWN_DELAY_MS", "0"},        {"CONVEX_TIMEOUT_MS", "1000"},
        {"RATE_LIMIT_BURST", "100000"},    {"RATE_LIMIT_PER_MINUTE", "600000"}};
    for (auto& kv : overrides) env[kv.first] = kv.second;
    return env;
  }

  http::client_response post(const std::string& path, const std::string& body, http::header_list extra = {},
                             bool with_key = true) {
    http::header_list h{{"Content-Type", "application/json"}};
    if (with_key) h.push_back({"X-Code-Exec-Key", "key-a"});
    for (auto& x : extra) h.push_back(x);
    return client.call("POST", proc->url() + path, body, h);
  }

  mock_judge0 judge0;
  mock_convex convex;
  test_client client;
  std::unique_ptr<service_process> proc;
};

}  // namespace cx::testing
