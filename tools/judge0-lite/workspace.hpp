// A fresh temporary directory per submission, readable by the program's user, removed afterwards.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sandbox.hpp"

namespace judge0_lite {

class workspace {
 public:
  // Creates <root>/judge0-lite-XXXXXX with mode 0700. When the runner is root and `owner` is
  // set, the directory and the files written into it belong to `owner`.
  static std::optional<workspace> create(const std::string& root, std::optional<identity> owner,
                                         std::string& error);
  ~workspace();
  workspace(workspace&& other) noexcept;
  workspace& operator=(workspace&&) = delete;
  workspace(const workspace&) = delete;
  workspace& operator=(const workspace&) = delete;

  const std::string& path() const { return path_; }
  bool write_file(const std::string& name, std::string_view content, std::string& error) const;

 private:
  workspace(std::string path, std::optional<identity> owner) : path_(std::move(path)), owner_(owner) {}
  std::string path_;
  std::optional<identity> owner_;
};

// Removes a directory tree even when the program left unreadable directories behind.
void remove_tree(const std::string& path);

}  // namespace judge0_lite
