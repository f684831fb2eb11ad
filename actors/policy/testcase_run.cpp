#include "actors/policy/testcase_run.hpp"

#include <utility>

namespace cx {

testcase_run::testcase_run(std::vector<testcase> testcases, output_comparison comparison)
    : testcases_(std::move(testcases)), comparison_(comparison) {}

testcase_verdict testcase_run::take(const judge0_outcome& outcome) {
  judge0_calls_ += outcome.judge0_calls;
  auto v = classify_verdict(outcome, current(), comparison_);
  if (v.kind == verdict_kind::passed) ++index_;
  return v;
}

}  // namespace cx
