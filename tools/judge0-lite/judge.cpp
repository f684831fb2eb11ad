#include "judge.hpp"

#include <cmath>
#include <csignal>

#include "workspace.hpp"

namespace judge0_lite {
namespace {

constexpr std::int64_t node_address_space_headroom_kb = 2LL * 1024 * 1024;
constexpr std::size_t compile_output_cap = 1 << 20;

std::optional<std::string> non_empty(std::string text) {
  if (text.empty()) return std::nullopt;
  return text;
}

std::vector<std::string> environment_for(const std::string& dir, const std::string& search_path) {
  return {"PATH=" + search_path, "HOME=" + dir, "TMPDIR=" + dir, "LANG=C.UTF-8"};
}

judge_result internal_error(std::string message) {
  judge_result r;
  r.status_id = status::internal_error;
  r.message = std::move(message);
  return r;
}

double round_ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

}  // namespace

run_limits compile_limits() {
  run_limits lim;
  lim.cpu_time_s = maxima::cpu_time_limit;
  lim.cpu_extra_s = 0;
  lim.wall_time_s = maxima::wall_time_limit;
  lim.memory_kb = maxima::memory_limit;
  lim.stack_kb = maxima::stack_limit;
  lim.max_processes = maxima::max_processes_and_or_threads;
  lim.max_file_size_kb = maxima::max_file_size;
  lim.output_cap_bytes = compile_output_cap;
  return lim;
}

run_limits program_limits(const submission& s, const language& lang) {
  run_limits lim;
  lim.cpu_time_s = s.cpu_time_limit;
  lim.cpu_extra_s = s.cpu_extra_time;
  lim.wall_time_s = s.wall_time_limit;
  lim.memory_kb = s.memory_limit;
  if (lang.reserves_address_space) {
    lim.memory_kind = memory_rlimit::data;
    lim.address_space_headroom_kb = node_address_space_headroom_kb;
  }
  lim.stack_kb = s.stack_limit;
  if (lang.stack_cap_kb > 0 && (lim.stack_kb == 0 || lim.stack_kb > lang.stack_cap_kb)) {
    lim.stack_kb = lang.stack_cap_kb;
  }
  lim.max_processes = s.max_processes_and_or_threads;
  lim.max_file_size_kb = s.max_file_size;
  // Judge0 writes stdout to a file under RLIMIT_FSIZE; a pipe is capped the same way instead.
  lim.output_cap_bytes = static_cast<std::size_t>(std::max<std::int64_t>(0, s.max_file_size)) * 1024;
  return lim;
}

std::vector<std::string> split_options(const std::optional<std::string>& text) {
  std::vector<std::string> words;
  if (!text) return words;
  std::string current;
  for (char c : *text) {
    if (c == '$' || c == '&' || c == ';' || c == '<' || c == '>' || c == '|' || c == '`') continue;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

judge_result judge_submission(const submission& s, const language& lang, const judge_environment& env) {
  std::string error;
  auto ws = workspace::create(env.work_root, env.run_as, error);
  if (!ws) return internal_error(error);
  if (!ws->write_file(lang.source_file, s.source_code, error)) return internal_error(error);

  judge_result result;
  if (lang.compiled()) {
    run_spec compile;
    compile.argv = expand_command(lang.compile_cmd, "{options}", split_options(s.compiler_options));
    compile.env = environment_for(ws->path(), env.search_path);
    compile.work_dir = ws->path();
    compile.limits = compile_limits();
    compile.run_as = env.run_as;
    compile.redirect_stderr_to_stdout = true;
    compile.cancel = env.cancel;
    run_outcome out = run_process(compile);
    if (!out.completed) return internal_error(out.error);
    if (out.cancelled) return internal_error("judge0-lite is shutting down");
    if (out.exec_failed) return internal_error("compiler " + out.exec_stage + " failed");
    result.compile_output = non_empty(std::move(out.stdout_data));
    bool timed_out = out.wall_time_exceeded || out.cpu_time_s > maxima::cpu_time_limit ||
                     out.term_signal == SIGXCPU;
    if (timed_out || !out.exited || out.exit_code != 0) {
      result.status_id = status::compilation_error;
      if (timed_out) result.compile_output = "Compilation time limit exceeded.";
      return result;
    }
  }

  run_spec run;
  run.argv = expand_command(lang.run_cmd, "{args}", split_options(s.command_line_arguments));
  run.env = environment_for(ws->path(), env.search_path);
  run.work_dir = ws->path();
  run.stdin_data = s.stdin_text.value_or("");
  run.limits = program_limits(s, lang);
  run.run_as = env.run_as;
  run.isolate_network = !s.enable_network;
  run.redirect_stderr_to_stdout = s.redirect_stderr_to_stdout;
  run.cancel = env.cancel;

  double cpu_total = 0, wall_total = 0;
  std::int64_t memory_total = 0;
  int runs = 0;
  for (int i = 0; i < std::max(1, s.number_of_runs); ++i) {
    run_outcome out = run_process(run);
    std::optional<std::string> stdout_text = non_empty(std::move(out.stdout_data));
    verdict v = classify_run(out, s.cpu_time_limit, stdout_text, s.expected_output);
    result.status_id = v.status_id;
    result.message = std::move(v.message);
    result.exit_code = v.exit_code;
    result.exit_signal = v.exit_signal;
    result.stdout_text = std::move(stdout_text);
    result.stderr_text = non_empty(std::move(out.stderr_data));
    if (!out.completed || out.exec_failed || out.cancelled) {
      result.time.reset();
      result.wall_time.reset();
      result.memory.reset();
      return result;
    }
    ++runs;
    cpu_total += out.cpu_time_s;
    wall_total += out.wall_time_s;
    memory_total += out.memory_kb;
    result.time = round_ms(cpu_total / runs);
    result.wall_time = round_ms(wall_total / runs);
    result.memory = memory_total / runs;
    if (v.status_id != status::accepted) break;
  }
  return result;
}

}  // namespace judge0_lite
