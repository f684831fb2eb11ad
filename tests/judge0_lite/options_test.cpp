// judge0-lite's command line and the Judge0 variables that give its defaults.
#include <gtest/gtest.h>

#include <map>

#include "options.hpp"

namespace judge0_lite {
namespace {

using namespace std::chrono_literals;

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(Options, Judge0DefaultsForTheCacheAndCallbacks) {
  auto p = parse_options({"--port", "0"});
  ASSERT_TRUE(p.value) << p.error;
  EXPECT_EQ(p.value->submission_cache_duration, 1000ms);
  EXPECT_EQ(p.value->callbacks_max_tries, 3);
  EXPECT_EQ(p.value->callbacks_timeout, 5000ms);
}

TEST(Options, EnvironmentGivesDefaultsAndFlagsWin) {
  auto env = fake_env({{"SUBMISSION_CACHE_DURATION", "0.5"}, {"CALLBACKS_MAX_TRIES", "5"}, {"CALLBACKS_TIMEOUT", "2"}});
  auto from_env = parse_options({"--port", "0"}, env);
  ASSERT_TRUE(from_env.value) << from_env.error;
  EXPECT_EQ(from_env.value->submission_cache_duration, 500ms);
  EXPECT_EQ(from_env.value->callbacks_max_tries, 5);
  EXPECT_EQ(from_env.value->callbacks_timeout, 2000ms);
  auto flags = parse_options({"--port", "0", "--submission-cache-duration", "0", "--callbacks-timeout", "0.3"}, env);
  ASSERT_TRUE(flags.value) << flags.error;
  EXPECT_EQ(flags.value->submission_cache_duration, 0ms);
  EXPECT_EQ(flags.value->callbacks_timeout, 300ms);
  EXPECT_EQ(flags.value->callbacks_max_tries, 5);
}

TEST(Options, BadCacheAndCallbackValuesAreRefused) {
  EXPECT_FALSE(parse_options({"--port", "0", "--callbacks-max-tries", "0"}).value);
  EXPECT_FALSE(parse_options({"--port", "0", "--callbacks-timeout", "0"}).value);
  EXPECT_FALSE(parse_options({"--port", "0", "--submission-cache-duration", "-1"}).value);
  auto bad_env = parse_options({"--port", "0"}, fake_env({{"CALLBACKS_TIMEOUT", "soon"}}));
  EXPECT_FALSE(bad_env.value);
  EXPECT_NE(bad_env.error.find("CALLBACKS_TIMEOUT"), std::string::npos);
}

}  // namespace
}  // namespace judge0_lite
