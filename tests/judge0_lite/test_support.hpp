// Helpers shared by the judge0-lite tests: toolchains, test users, process listings.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>

#include "judge.hpp"
#include "languages.hpp"
#include "sandbox.hpp"

namespace judge0_lite::testing {

// Detected once per test process, like judge0-lite does at start.
const language_table& installed_languages();
// Skips the calling test (GTEST_SKIP needs the test body, so tests check this themselves).
bool have_language(int id);

// A uid that no account uses, for tests whose processes must not share a uid with anything
// else (RLIMIT_NPROC counts per user). Only meaningful when running as root.
uid_t unused_uid();

// Processes (any state but zombie-reaped) whose real uid is `uid`.
int count_processes_of_uid(uid_t uid);
// Processes whose command line contains `marker`.
int count_processes_with_cmdline(const std::string& marker);
// Processes whose working directory is inside `dir`.
int count_processes_in_dir(const std::string& dir);

// A directory nobody can traverse, removed on destruction; for judge_environment::work_root.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::string& path() const { return path_; }
  int entries() const;

 private:
  std::string path_;
};

double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace judge0_lite::testing
