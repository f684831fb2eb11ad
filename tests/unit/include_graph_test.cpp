// The include graph between source folders. Every folder that holds C++ belongs to a layer, and
// an #include "..." may reach its own layer or a lower one only. Each folder of the service is a
// layer of its own, so none depends on a higher one and there is no cycle between them. A new
// folder fails here until it is ranked.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct layer {
  const char* folder;  // relative to the source root; "" is the root itself (main.cpp)
  bool subtree;        // the layer takes every folder below this one too
};

// Lowest first.
constexpr layer kLayers[] = {
    {"messages", false},          // domain values, their wire codecs, the actors' message values
    {"actors/policy", false},     // pure functions of messages/ values: no I/O, no logging
    {"actors/telemetry", false},  // JSON-lines logging and Prometheus metrics
    {"config", false},            // the environment, validated (masks URLs in its errors: telemetry)
    {"http", false},              // sockets: server, client, Redis (takes config's redis_endpoint)
    {"actors", false},            // the CAF actors
    {"", false},                  // main.cpp
    {"tools", true},              // development tools (judge0-lite, benchmarks)
    {"tests", true},              // includes tools/judge0-lite for its tests
};

// Where a quoted include is looked up after the including file's folder: the include
// directories our CMake targets add (cx_warnings, judge0_lite_core).
const char* const kIncludeDirs[] = {"", "tools/judge0-lite"};

std::optional<std::size_t> rank_of(const std::string& folder) {
  for (std::size_t i = 0; i < std::size(kLayers); ++i) {
    const std::string f = kLayers[i].folder;
    if (folder == f) return i;
    if (kLayers[i].subtree && folder.rfind(f + "/", 0) == 0) return i;
  }
  return std::nullopt;
}

bool is_source(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".cpp" || ext == ".hpp" || ext == ".h" || ext == ".cc";
}

// Hidden folders, node_modules and CMake build trees (they hold generated sources).
bool skipped(const fs::path& dir) {
  const auto name = dir.filename().string();
  return name.starts_with(".") || name == "node_modules" || fs::exists(dir / "CMakeCache.txt");
}

std::vector<std::string> quoted_includes(const fs::path& file) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<std::string> out;
  std::ifstream in(file);
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, kInclude)) out.push_back(m[1]);
  return out;
}

struct scan {
  std::map<std::string, int> files_per_folder;
  std::vector<std::string> problems;
};

scan scan_tree(const fs::path& root) {
  scan s;
  auto folder_of = [&](const fs::path& p) { return p.parent_path().lexically_relative(root).generic_string(); };
  auto shown = [](const std::string& folder) { return folder.empty() ? std::string("(root)") : folder + "/"; };
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory()) {
      if (skipped(it->path())) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || !is_source(it->path())) continue;
    const auto file = it->path().lexically_relative(root).generic_string();
    auto folder = folder_of(it->path());
    if (folder == ".") folder.clear();
    ++s.files_per_folder[folder];
    const auto rank = rank_of(folder);
    if (!rank) {
      s.problems.push_back(file + ": folder " + shown(folder) + " has no layer in kLayers");
      continue;
    }
    for (const auto& inc : quoted_includes(it->path())) {
      std::optional<fs::path> target;
      if (fs::exists(it->path().parent_path() / inc)) target = (it->path().parent_path() / inc).lexically_normal();
      for (const char* dir : kIncludeDirs)
        if (!target && fs::exists(root / dir / inc)) target = (root / dir / inc).lexically_normal();
      if (!target) {
        s.problems.push_back(file + ": #include \"" + inc + "\" is found in no include directory");
        continue;
      }
      auto to = folder_of(*target);
      if (to == ".") to.clear();
      const auto to_rank = rank_of(to);
      if (!to_rank)
        s.problems.push_back(file + ": #include \"" + inc + "\" reaches " + shown(to) + ", which has no layer");
      else if (*to_rank > *rank)
        s.problems.push_back(file + ": #include \"" + inc + "\" runs up from " + shown(folder) + " (layer " +
                             std::to_string(*rank) + ") to " + shown(to) + " (layer " + std::to_string(*to_rank) +
                             ")");
    }
  }
  std::sort(s.problems.begin(), s.problems.end());
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

TEST(IncludeGraph, NoIncludeRunsUpALayerAndEveryFolderIsRanked) {
  const auto s = scan_tree(CX_SOURCE_DIR);
  // Not vacuous: every layer of the service holds sources.
  std::vector<std::string> empty_layers;
  for (const auto& l : kLayers)
    if (!l.subtree && s.files_per_folder.count(l.folder) == 0) empty_layers.push_back(l.folder);
  EXPECT_TRUE(empty_layers.empty()) << "no sources found in:\n" << joined(empty_layers);

  std::string order;
  for (const auto& l : kLayers) order += std::string(" ") + (*l.folder ? l.folder : "(root)");
  EXPECT_TRUE(s.problems.empty()) << "layers, lowest first:" << order << "\n" << joined(s.problems);
}

// The checker itself, on a small tree: a back edge, an unranked folder and an unresolvable
// include are each reported; a build tree is skipped.
TEST(IncludeGraph, ReportsBackEdgesUnrankedFoldersAndLostIncludes) {
  const auto root = fs::temp_directory_path() / ("cx_include_graph_" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto put = [&](const std::string& path, const std::string& text) {
    fs::create_directories((root / path).parent_path());
    std::ofstream(root / path) << text;
  };
  put("messages/value.hpp", "#pragma once\n#include \"http/client.hpp\"\n");
  put("http/client.hpp", "#pragma once\n#include \"messages/value.hpp\"\n");
  put("config/config.cpp", "  #  include \"value.hpp\"\n");
  put("widgets/widget.cpp", "#include \"messages/value.hpp\"\n");
  put("build/CMakeCache.txt", "");
  put("build/generated.cpp", "#include \"actors/app.hpp\"\n");

  const auto s = scan_tree(root);
  fs::remove_all(root);
  EXPECT_EQ(s.problems,
            (std::vector<std::string>{
                "config/config.cpp: #include \"value.hpp\" is found in no include directory",
                "messages/value.hpp: #include \"http/client.hpp\" runs up from messages/ (layer 0) to http/ (layer 4)",
                "widgets/widget.cpp: folder widgets/ has no layer in kLayers",
            }));
}

}  // namespace
