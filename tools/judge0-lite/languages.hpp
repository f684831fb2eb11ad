// The languages judge0-lite can run, with Judge0 CE's ids, and which of them are installed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox.hpp"

namespace judge0_lite {

inline constexpr std::string_view default_search_path = "/usr/local/bin:/usr/bin:/bin";

struct language {
  int id = 0;
  std::string name;         // as /languages shows it, e.g. "C++ (GCC 12.2.0)"
  std::string source_file;  // e.g. "main.cpp"
  // Empty when interpreted. The element "{options}" expands to the compiler options.
  std::vector<std::string> compile_cmd;
  // The element "{args}" expands to the command-line arguments.
  std::vector<std::string> run_cmd;
  // The runtime reserves far more address space than it uses (V8 needs ~750 MB of it), so its
  // memory limit is RLIMIT_DATA rather than RLIMIT_AS.
  bool reserves_address_space = false;
  // Caps RLIMIT_STACK (0: no cap). glibc sizes every thread's stack from RLIMIT_STACK, and under
  // RLIMIT_DATA those stacks count as memory: Node's ~10 threads with Judge0's 64 MB stack limit
  // would not fit in its default 128 MB.
  std::int64_t stack_cap_kb = 0;

  bool compiled() const { return !compile_cmd.empty(); }
};

// Replaces the placeholder element with `extra` (zero or more elements).
std::vector<std::string> expand_command(const std::vector<std::string>& cmd, std::string_view placeholder,
                                        const std::vector<std::string>& extra);
// The command as one line, the way /languages/{id} shows it ("%s" for the placeholder).
std::string command_text(const std::vector<std::string>& cmd);

// Finds an executable regular file in a colon-separated search path. With `for_others`, the
// file must also be executable by users other than its owner (the program runs as nobody).
std::optional<std::string> find_executable(std::string_view name, std::string_view search_path,
                                           bool for_others);

class language_table {
 public:
  language_table() = default;
  explicit language_table(std::vector<language> installed);

  // Looks up each known toolchain in `search_path` and asks it for its version, running it the
  // way submissions run (as `run_as`). A toolchain that is missing or fails to answer is left out.
  static language_table detect(std::string_view search_path, std::optional<identity> run_as);

  const language* find(int id) const;
  // Sorted by name, as Judge0 lists them.
  const std::vector<language>& installed() const { return installed_; }

 private:
  std::vector<language> installed_;
};

}  // namespace judge0_lite
