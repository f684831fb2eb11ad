#include "workspace.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace judge0_lite {

std::optional<workspace> workspace::create(const std::string& root, std::optional<identity> owner,
                                           std::string& error) {
  std::string pattern = (root.empty() ? std::string("/tmp") : root) + "/judge0-lite-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    error = "mkdtemp " + pattern + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string path(buf.data());
  if (!running_as_root()) owner.reset();
  if (owner && ::chown(path.c_str(), owner->uid, owner->gid) != 0) {
    error = "chown " + path + ": " + std::strerror(errno);
    remove_tree(path);
    return std::nullopt;
  }
  return workspace(std::move(path), owner);
}

workspace::workspace(workspace&& other) noexcept
    : path_(std::move(other.path_)), owner_(other.owner_) {
  other.path_.clear();
}

workspace::~workspace() {
  if (!path_.empty()) remove_tree(path_);
}

bool workspace::write_file(const std::string& name, std::string_view content, std::string& error) const {
  std::string file = path_ + "/" + name;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "open " + file + ": " + std::strerror(errno);
    return false;
  }
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "write " + file + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (owner_ && ::fchown(fd, owner_->uid, owner_->gid) != 0) {
    error = "chown " + file + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

void remove_tree(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(path, ec);
  if (!ec) return;
  // The program may have left directories without owner permissions: restore them and retry.
  ::chmod(path.c_str(), 0700);
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
  }
  fs::remove_all(path, ec);
}

}  // namespace judge0_lite
