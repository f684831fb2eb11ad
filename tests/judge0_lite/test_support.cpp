#include "test_support.hpp"

#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "workspace.hpp"

namespace judge0_lite::testing {

const language_table& installed_languages() {
  static const language_table table = language_table::detect(default_search_path, identity{});
  return table;
}

bool have_language(int id) { return installed_languages().find(id) != nullptr; }

uid_t unused_uid() {
  for (uid_t uid = 61000 + static_cast<uid_t>(::getpid() % 2000);; ++uid) {
    if (::getpwuid(uid) == nullptr && count_processes_of_uid(uid) == 0) return uid;
  }
}

namespace {

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return pids;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long v = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0') pids.push_back(static_cast<pid_t>(v));
  }
  ::closedir(d);
  return pids;
}

}  // namespace

int count_processes_of_uid(uid_t uid) {
  int n = 0;
  for (pid_t pid : all_pids()) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Uid:", 0) == 0) {
        std::istringstream fields(line.substr(4));
        long real = -1;
        fields >> real;
        if (real == static_cast<long>(uid)) ++n;
        break;
      }
    }
  }
  return n;
}

int count_processes_with_cmdline(const std::string& marker) {
  int n = 0;
  for (pid_t pid : all_pids()) {
    if (pid == ::getpid()) continue;
    std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) ++n;
  }
  return n;
}

int count_processes_in_dir(const std::string& dir) {
  int n = 0;
  for (pid_t pid : all_pids()) {
    char buf[4096];
    std::string link = "/proc/" + std::to_string(pid) + "/cwd";
    ssize_t len = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (len <= 0) continue;
    if (std::string(buf, static_cast<std::size_t>(len)).rfind(dir, 0) == 0) ++n;
  }
  return n;
}

scratch_dir::scratch_dir() {
  std::string pattern = "/tmp/j0l-test-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
  ::chmod(path_.c_str(), 0711);  // the program's user must reach its workspace inside
}

scratch_dir::~scratch_dir() { remove_tree(path_); }

int scratch_dir::entries() const {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(path_, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return n;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace judge0_lite::testing
