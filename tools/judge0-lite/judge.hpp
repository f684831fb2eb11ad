// Judges one submission: workspace, compile step, runs, verdict. Blocking; worker threads only.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include "languages.hpp"
#include "sandbox.hpp"
#include "submission.hpp"

namespace judge0_lite {

struct judge_environment {
  std::string work_root = "/tmp";
  std::string search_path{default_search_path};
  std::optional<identity> run_as = identity{};  // applied only when running as root
  const std::atomic<bool>* cancel = nullptr;
};

// Limits of the compile step: Judge0 compiles with its MAX_ values, whatever the submission says.
run_limits compile_limits();
// Limits of one run of the program, from the submission and the language.
run_limits program_limits(const submission& s, const language& lang);

// Judge0 strips these from compiler options and command-line arguments before use; the rest is
// split on whitespace (there is no shell, so no quoting).
std::vector<std::string> split_options(const std::optional<std::string>& text);

judge_result judge_submission(const submission& s, const language& lang, const judge_environment& env);

}  // namespace judge0_lite
