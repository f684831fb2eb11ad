#include "languages.hpp"

#include <algorithm>
#include <cctype>
#include <sys/stat.h>
#include <unistd.h>

namespace judge0_lite {
namespace {

struct toolchain {
  int id;
  const char* name_format;  // "%" is replaced by the detected version
  const char* tool;
  const char* source_file;
  std::vector<std::string> compile_args;  // after the tool
  std::vector<std::string> run_cmd;       // "{tool}" is the tool's path
  std::vector<std::string> version_args;
  bool reserves_address_space;
  std::int64_t stack_cap_kb;
};

const std::vector<toolchain>& known_toolchains() {
  static const std::vector<toolchain> table = {
      {46, "Bash (%)", "bash", "script.sh", {}, {"{tool}", "script.sh", "{args}"},
       {"-c", "echo ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}.${BASH_VERSINFO[2]}"}, false, 0},
      {50, "C (GCC %)", "gcc", "main.c", {"{options}", "main.c", "-lm"}, {"./a.out", "{args}"},
       {"-dumpfullversion"}, false, 0},
      {54, "C++ (GCC %)", "g++", "main.cpp", {"{options}", "main.cpp"}, {"./a.out", "{args}"},
       {"-dumpfullversion"}, false, 0},
      {63, "JavaScript (Node.js %)", "node", "script.js", {}, {"{tool}", "script.js", "{args}"},
       {"--version"}, true, 2048},
      {71, "Python (%)", "python3", "script.py", {}, {"{tool}", "script.py", "{args}"}, {"--version"},
       false, 0},
  };
  return table;
}

// The first "N.N[.N]" in the text.
std::optional<std::string> parse_version(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) && text[i - 1] != 'v')) continue;
    std::size_t j = i;
    int dots = 0;
    while (j < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[j])) ||
            (text[j] == '.' && j + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[j + 1]))))) {
      if (text[j] == '.') ++dots;
      ++j;
    }
    if (dots >= 1) return std::string(text.substr(i, j - i));
    i = j;
  }
  return std::nullopt;
}

std::optional<std::string> ask_version(const std::string& tool_path, const std::vector<std::string>& args,
                                       std::string_view search_path, std::optional<identity> run_as) {
  run_spec spec;
  spec.argv.push_back(tool_path);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"PATH=" + std::string(search_path), "HOME=/", "LANG=C.UTF-8"};
  spec.work_dir = "/";
  spec.limits.cpu_time_s = 5;
  spec.limits.wall_time_s = 10;
  spec.limits.memory_kb = 0;
  spec.limits.max_processes = 0;
  spec.limits.output_cap_bytes = 64 * 1024;
  spec.run_as = run_as;
  run_outcome out = run_process(spec);
  if (!out.completed || out.exec_failed || !out.exited || out.exit_code != 0) return std::nullopt;
  if (auto v = parse_version(out.stdout_data)) return v;
  return parse_version(out.stderr_data);
}

std::string replace_marker(std::string_view format, std::string_view value) {
  std::string out(format);
  if (auto pos = out.find('%'); pos != std::string::npos) out.replace(pos, 1, value);
  return out;
}

}  // namespace

std::vector<std::string> expand_command(const std::vector<std::string>& cmd, std::string_view placeholder,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (const auto& part : cmd) {
    if (part == placeholder) {
      out.insert(out.end(), extra.begin(), extra.end());
    } else {
      out.push_back(part);
    }
  }
  return out;
}

std::string command_text(const std::vector<std::string>& cmd) {
  std::string out;
  for (const auto& part : cmd) {
    if (!out.empty()) out += ' ';
    out += (part == "{options}" || part == "{args}") ? std::string("%s") : part;
  }
  return out;
}

std::optional<std::string> find_executable(std::string_view name, std::string_view search_path,
                                           bool for_others) {
  std::size_t start = 0;
  while (start <= search_path.size()) {
    std::size_t end = search_path.find(':', start);
    if (end == std::string_view::npos) end = search_path.size();
    std::string_view dir = search_path.substr(start, end - start);
    start = end + 1;
    if (dir.empty() || dir.front() != '/') continue;  // relative entries would depend on the cwd
    std::string candidate = std::string(dir) + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    if (for_others && (st.st_mode & S_IXOTH) == 0) continue;
    return candidate;
  }
  return std::nullopt;
}

language_table::language_table(std::vector<language> installed) : installed_(std::move(installed)) {
  std::sort(installed_.begin(), installed_.end(),
            [](const language& a, const language& b) { return a.name < b.name; });
}

language_table language_table::detect(std::string_view search_path, std::optional<identity> run_as) {
  const bool for_others = run_as.has_value() && running_as_root();
  std::vector<language> found;
  for (const auto& tc : known_toolchains()) {
    auto path = find_executable(tc.tool, search_path, for_others);
    if (!path) continue;
    auto version = ask_version(*path, tc.version_args, search_path, run_as);
    if (!version) continue;
    language lang;
    lang.id = tc.id;
    lang.name = replace_marker(tc.name_format, *version);
    lang.source_file = tc.source_file;
    if (!tc.compile_args.empty()) {
      lang.compile_cmd.push_back(*path);
      lang.compile_cmd.insert(lang.compile_cmd.end(), tc.compile_args.begin(), tc.compile_args.end());
    }
    for (const auto& part : tc.run_cmd) lang.run_cmd.push_back(part == "{tool}" ? *path : part);
    lang.reserves_address_space = tc.reserves_address_space;
    lang.stack_cap_kb = tc.stack_cap_kb;
    found.push_back(std::move(lang));
  }
  return language_table(std::move(found));
}

const language* language_table::find(int id) const {
  for (const auto& lang : installed_) {
    if (lang.id == id) return &lang;
  }
  return nullptr;
}

}  // namespace judge0_lite
