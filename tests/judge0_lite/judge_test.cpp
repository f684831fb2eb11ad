// Whole submissions through judge_submission, for every installed language: the verdicts a
// Judge0 client relies on, and that runaway programs are stopped within their limits.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>

#include "judge.hpp"
#include "test_support.hpp"

namespace judge0_lite {
namespace {

using judge0_lite::testing::count_processes_in_dir;
using judge0_lite::testing::count_processes_of_uid;
using judge0_lite::testing::have_language;
using judge0_lite::testing::installed_languages;
using judge0_lite::testing::scratch_dir;
using judge0_lite::testing::seconds_since;
using judge0_lite::testing::unused_uid;

constexpr int bash = 46, c = 50, cpp = 54, javascript = 63, python = 71;

struct programs {
  std::string hello;         // prints "hello, Judge0"
  std::string doubler;       // reads an integer, prints twice it
  std::string broken;        // does not compile (or parse)
  std::string busy_loop;     // never ends, burns CPU
  std::string fork_bomb;     // forks forever, the parent spinning
  std::string segfault;      // dies of SIGSEGV
  std::string divide_by_zero;  // dies of SIGFPE
  std::string abort;         // dies of SIGABRT
  std::string exit3;         // exits with status 3
  std::string memory_hog;    // wants ~300 MB
  std::string flood;         // prints forever
};

const std::map<int, programs>& sources() {
  static const std::map<int, programs> table = {
      {bash,
       {"echo 'hello, Judge0'", "read x; echo $((x * 2))", "if then fi (", "while :; do :; done",
        ":(){ :|:& };:; while :; do :; done", "kill -SEGV $$", "kill -FPE $$", "kill -ABRT $$", "exit 3",
        "x=$(head -c 300000000 /dev/zero | tr '\\0' x); echo ${#x}",
        "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done"}},
      {c,
       {"#include <stdio.h>\nint main(void) { printf(\"hello, Judge0\\n\"); return 0; }",
        "#include <stdio.h>\nint main(void) { long x; scanf(\"%ld\", &x); printf(\"%ld\\n\", 2 * x); return 0; }",
        "int main(void) { return 0 }", "int main(void) { volatile unsigned long x = 0; for (;;) x++; }",
        "#include <unistd.h>\nint main(void) { for (;;) fork(); }",
        "int main(void) { volatile int *p = 0; *p = 1; return 0; }",
        "int main(int argc, char **argv) { (void)argv; volatile int zero = argc - 1; return 10 / zero; }",
        "#include <stdlib.h>\nint main(void) { abort(); }", "int main(void) { return 3; }",
        "#include <stdlib.h>\n#include <string.h>\n"
        "int main(void) { for (int i = 0; i < 30; i++) memset(malloc(10 << 20), 1, 10 << 20); return 0; }",
        "#include <stdio.h>\nint main(void) { for (;;) puts(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }"}},
      {cpp,
       {"#include <iostream>\nint main() { std::cout << \"hello, Judge0\" << std::endl; }",
        "#include <iostream>\nint main() { long x; std::cin >> x; std::cout << 2 * x << '\\n'; }",
        "#include <iostream>\nint main() { std::cout << undeclared; }",
        "int main() { volatile unsigned long x = 0; for (;;) x++; }",
        "#include <unistd.h>\nint main() { for (;;) fork(); }",
        "int main() { volatile int *p = nullptr; *p = 1; }",
        "int main(int argc, char**) { volatile int zero = argc - 1; return 10 / zero; }",
        "#include <stdexcept>\nint main() { throw std::runtime_error(\"boom\"); }", "int main() { return 3; }",
        "#include <vector>\nint main() { std::vector<char> v(300 << 20, 1); return v[12345] - 1; }",
        "#include <iostream>\nint main() { for (;;) std::cout << \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n\"; }"}},
      {javascript,
       {"console.log('hello, Judge0');",
        "const x = Number(require('fs').readFileSync(0, 'utf8')); console.log(2 * x);", "console.log((;",
        "for (;;) {}",
        "const cp = require('child_process');\n"
        "for (;;) { try { cp.spawn(process.execPath, ['-e', 'for (;;) {}']); } catch (e) {} }",
        "process.kill(process.pid, 'SIGSEGV'); setTimeout(() => {}, 5000);",
        "process.kill(process.pid, 'SIGFPE'); setTimeout(() => {}, 5000);", "process.abort();", "process.exit(3);",
        "const a = []; for (;;) a.push(new Array(1e6).fill(1.5));",
        "const fs = require('fs'); const line = 'x'.repeat(1000) + '\\n'; for (;;) fs.writeSync(1, line);"}},
      {python,
       {"print('hello, Judge0')", "print(2 * int(input()))", "print((", "while True: pass",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
        "import os, signal\nos.kill(os.getpid(), signal.SIGFPE)", "import os\nos.abort()", "import sys\nsys.exit(3)",
        "x = bytearray(300 * 1024 * 1024)\nprint(len(x))", "while True:\n    print('x' * 1000)"}},
  };
  return table;
}

std::string language_name(const ::testing::TestParamInfo<int>& info) {
  switch (info.param) {
    case bash: return "Bash";
    case c: return "C";
    case cpp: return "Cpp";
    case javascript: return "JavaScript";
    case python: return "Python";
  }
  return "Language" + std::to_string(info.param);
}

class LanguageTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!have_language(GetParam())) GTEST_SKIP() << "toolchain for language " << GetParam() << " is not installed";
    env_.work_root = scratch_.path();
  }

  void TearDown() override {
    // Every run removes its workspace and leaves no process behind.
    EXPECT_EQ(scratch_.entries(), 0);
    EXPECT_EQ(count_processes_in_dir(scratch_.path()), 0);
  }

  const programs& program() const { return sources().at(GetParam()); }

  judge_result judge(const std::string& source, const std::function<void(submission&)>& tweak = {}) {
    submission s;
    s.language_id = GetParam();
    s.source_code = source;
    if (tweak) tweak(s);
    auto start = std::chrono::steady_clock::now();
    judge_result r = judge_submission(s, *installed_languages().find(GetParam()), env_);
    elapsed_ = seconds_since(start);
    return r;
  }

  scratch_dir scratch_;
  judge_environment env_;
  double elapsed_ = 0;
};

std::string describe(const judge_result& r) {
  return "status " + std::to_string(r.status_id) + " (" + std::string(status_description(r.status_id)) +
         "), message: " + r.message.value_or("-") + ", stderr: " + r.stderr_text.value_or("-").substr(0, 500) +
         ", compile output: " + r.compile_output.value_or("-").substr(0, 500);
}

TEST_P(LanguageTest, HelloWorldIsAccepted) {
  judge_result r = judge(program().hello, [](submission& s) { s.expected_output = "hello, Judge0"; });
  EXPECT_EQ(r.status_id, status::accepted) << describe(r);
  EXPECT_EQ(r.stdout_text, "hello, Judge0\n");
  EXPECT_FALSE(r.stderr_text);
  EXPECT_FALSE(r.message);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_TRUE(r.time && r.wall_time && r.memory);
  EXPECT_GE(*r.time, 0.0);
  EXPECT_LT(*r.time, 5.0);
  EXPECT_GT(*r.memory, 0);
}

TEST_P(LanguageTest, DifferentOutputIsWrongAnswer) {
  judge_result r = judge(program().hello, [](submission& s) { s.expected_output = "hello, world"; });
  EXPECT_EQ(r.status_id, status::wrong_answer) << describe(r);
}

TEST_P(LanguageTest, ReadsStdin) {
  judge_result r = judge(program().doubler, [](submission& s) {
    s.stdin_text = "21\n";
    s.expected_output = "42";
  });
  EXPECT_EQ(r.status_id, status::accepted) << describe(r);
  EXPECT_EQ(r.stdout_text, "42\n");
}

TEST_P(LanguageTest, BrokenSourceIsACompileErrorOrNzec) {
  judge_result r = judge(program().broken);
  if (installed_languages().find(GetParam())->compiled()) {
    EXPECT_EQ(r.status_id, status::compilation_error) << describe(r);
    ASSERT_TRUE(r.compile_output);
    EXPECT_NE(r.compile_output->find("error"), std::string::npos) << *r.compile_output;
    EXPECT_FALSE(r.time);
    EXPECT_FALSE(r.stdout_text);
    EXPECT_FALSE(r.exit_code);
  } else {
    EXPECT_EQ(r.status_id, status::nzec) << describe(r);
    EXPECT_TRUE(r.stderr_text);
  }
}

TEST_P(LanguageTest, InfiniteLoopIsStoppedByTheCpuLimit) {
  judge_result r = judge(program().busy_loop, [](submission& s) {
    s.cpu_time_limit = 0.5;
    s.cpu_extra_time = 0;
    s.wall_time_limit = 8;
  });
  EXPECT_EQ(r.status_id, status::time_limit_exceeded) << describe(r);
  EXPECT_EQ(r.message, "Time limit exceeded");
  ASSERT_TRUE(r.time);
  EXPECT_GT(*r.time, 0.5);
  // RLIMIT_CPU fires at 1 s of CPU; the wall limit of 8 s is never reached.
  EXPECT_LT(elapsed_, 5.0);
}

TEST_P(LanguageTest, SleepingProgramIsStoppedByTheWallLimit) {
  const std::map<int, std::string> sleepers = {{bash, "sleep 30"},
                                               {c, "#include <unistd.h>\nint main(void) { sleep(30); }"},
                                               {cpp, "#include <unistd.h>\nint main() { sleep(30); }"},
                                               {javascript, "setTimeout(() => {}, 30000);"},
                                               {python, "import time\ntime.sleep(30)"}};
  judge_result r = judge(sleepers.at(GetParam()), [](submission& s) { s.wall_time_limit = 1; });
  EXPECT_EQ(r.status_id, status::time_limit_exceeded) << describe(r);
  EXPECT_EQ(r.message, "Time limit exceeded (wall clock)");
  ASSERT_TRUE(r.wall_time);
  EXPECT_GE(*r.wall_time, 0.95);
  EXPECT_LT(elapsed_, 4.0);
}

TEST_P(LanguageTest, ForkBombIsStopped) {
  std::optional<uid_t> own_uid;
  if (running_as_root()) {
    // Its own uid, so RLIMIT_NPROC counts only this program and leftovers are easy to find.
    own_uid = unused_uid();
    env_.run_as = identity{*own_uid, 65534};
  }
  judge_result r = judge(program().fork_bomb, [](submission& s) {
    s.max_processes_and_or_threads = 8;
    s.cpu_time_limit = 1;
    s.cpu_extra_time = 0;
    s.wall_time_limit = 1.5;
  });
  // Node's parent may instead abort once it cannot start threads for its children.
  if (GetParam() == javascript) {
    EXPECT_TRUE(r.status_id == status::time_limit_exceeded || r.status_id == status::sigabrt ||
                r.status_id == status::other_runtime_error)
        << describe(r);
  } else {
    EXPECT_EQ(r.status_id, status::time_limit_exceeded) << describe(r);
  }
  EXPECT_LT(elapsed_, 5.0);
  if (own_uid) {
    EXPECT_EQ(count_processes_of_uid(*own_uid), 0);
  }
}

TEST_P(LanguageTest, SegmentationFaultIsSigsegv) {
  judge_result r = judge(program().segfault);
  EXPECT_EQ(r.status_id, status::sigsegv) << describe(r);
  EXPECT_EQ(r.exit_signal, 11);
  EXPECT_EQ(r.message, "Caught fatal signal 11");
}

TEST_P(LanguageTest, FloatingPointExceptionIsSigfpe) {
  judge_result r = judge(program().divide_by_zero);
  EXPECT_EQ(r.status_id, status::sigfpe) << describe(r);
  EXPECT_EQ(r.exit_signal, 8);
}

TEST_P(LanguageTest, AbortIsSigabrt) {
  judge_result r = judge(program().abort);
  EXPECT_EQ(r.status_id, status::sigabrt) << describe(r);
  EXPECT_EQ(r.exit_signal, 6);
}

TEST_P(LanguageTest, NonZeroExitIsNzec) {
  judge_result r = judge(program().exit3);
  EXPECT_EQ(r.status_id, status::nzec) << describe(r);
  EXPECT_EQ(r.message, "Exited with error status 3");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.exit_signal);
}

TEST_P(LanguageTest, MemoryLimitStopsAHog) {
  judge_result r = judge(program().memory_hog, [](submission& s) { s.memory_limit = 64000; });
  // Judge0 has no memory status: the language's own failure shows instead.
  const std::map<int, std::vector<int>> expected = {{bash, {status::nzec}},
                                                    {c, {status::sigsegv}},
                                                    {cpp, {status::sigabrt}},
                                                    {python, {status::nzec}},
                                                    {javascript, {status::sigabrt, status::other_runtime_error}}};
  const auto& allowed = expected.at(GetParam());
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), r.status_id), allowed.end()) << describe(r);
  ASSERT_TRUE(r.memory);
  // Node's limit is RLIMIT_DATA; its resident set also counts the ~45 MB node executable.
  const std::int64_t slack = GetParam() == javascript ? 64 * 1024 : 1024;
  EXPECT_LT(*r.memory, 64000 + slack);
  if (GetParam() == python) {
    EXPECT_NE(r.stderr_text.value_or("").find("MemoryError"), std::string::npos);
  }
  if (GetParam() == bash) {
    EXPECT_NE(r.stderr_text.value_or("").find("cannot allocate"), std::string::npos);
  }
  if (GetParam() == c || GetParam() == python) {
    // The same program is fine with room to spare: the limit, not the program, stopped it.
    judge_result roomy = judge(program().memory_hog, [](submission& s) { s.memory_limit = 512000; });
    EXPECT_EQ(roomy.status_id, status::accepted) << describe(roomy);
  }
}

TEST_P(LanguageTest, EndlessOutputIsCutAtTheFileSizeLimit) {
  judge_result r = judge(program().flood, [](submission& s) { s.max_file_size = 64; });
  EXPECT_EQ(r.status_id, status::sigxfsz) << describe(r);
  ASSERT_TRUE(r.stdout_text);
  EXPECT_EQ(r.stdout_text->size(), 64u * 1024u);
  EXPECT_LT(elapsed_, 4.0);
}

INSTANTIATE_TEST_SUITE_P(Languages, LanguageTest, ::testing::Values(bash, c, cpp, javascript, python), language_name);

TEST(CompileStep, CompilerOptionsReachTheCompiler) {
  if (!have_language(c)) GTEST_SKIP() << "gcc is not installed";
  scratch_dir scratch;
  judge_environment env;
  env.work_root = scratch.path();
  submission s;
  s.language_id = c;
  s.source_code = "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", VALUE); return 0; }";
  s.compiler_options = "-DVALUE=42";
  judge_result r = judge_submission(s, *installed_languages().find(c), env);
  EXPECT_EQ(r.status_id, status::accepted) << describe(r);
  EXPECT_EQ(r.stdout_text, "42\n");
}

TEST(RunStep, CommandLineArgumentsReachTheProgram) {
  if (!have_language(python)) GTEST_SKIP() << "python3 is not installed";
  scratch_dir scratch;
  judge_environment env;
  env.work_root = scratch.path();
  submission s;
  s.language_id = python;
  s.source_code = "import sys\nprint(' '.join(sys.argv[1:]))";
  s.command_line_arguments = "a b;c";  // ';' is stripped, as Judge0 does
  judge_result r = judge_submission(s, *installed_languages().find(python), env);
  EXPECT_EQ(r.status_id, status::accepted) << describe(r);
  EXPECT_EQ(r.stdout_text, "a bc\n");
}

TEST(SplitOptions, StripsShellCharactersAndSplitsOnWhitespace) {
  EXPECT_EQ(split_options(std::string(" -O2  -Wall;rm -rf `x` $(y) ")),
            (std::vector<std::string>{"-O2", "-Wallrm", "-rf", "x", "(y)"}));
  EXPECT_TRUE(split_options(std::nullopt).empty());
}

}  // namespace
}  // namespace judge0_lite
