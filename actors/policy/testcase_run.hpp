// One run of a list of testcases, in order, failing fast: which testcase is next and what
// Judge0's outcome for it means. Both judging kinds (a submission, POST /v1/judge) use it.
#pragma once

#include <cstddef>
#include <vector>

#include "actors/policy/verdict.hpp"
#include "messages/judging.hpp"

namespace cx {

class testcase_run {
 public:
  testcase_run() = default;
  testcase_run(std::vector<testcase> testcases, output_comparison comparison);

  bool all_passed() const { return index_ >= testcases_.size(); }
  std::size_t index() const { return index_; }
  const testcase& current() const { return testcases_[index_]; }
  int passed() const { return static_cast<int>(index_); }
  int total() const { return static_cast<int>(testcases_.size()); }
  int judge0_calls() const { return judge0_calls_; }

  // The current testcase's verdict; a pass moves on to the next one, anything else ends the run
  // (the index stays at the failing testcase).
  testcase_verdict take(const judge0_outcome& outcome);

 private:
  std::vector<testcase> testcases_;
  output_comparison comparison_;
  std::size_t index_ = 0;
  int judge0_calls_ = 0;
};

}  // namespace cx
