#include "core/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace declouder {

void create_private_directories(const std::string& dir) {
  if (dir.empty()) return;
  namespace fs = std::filesystem;
  fs::path p(dir);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return;
  if (p.has_parent_path() && p.parent_path() != p) create_private_directories(p.parent_path().string());
  // mkdir applies the umask; chmod afterwards makes it 0700 whatever the umask.
  if (::mkdir(dir.c_str(), kPrivateDirectoryMode) != 0) {
    if (errno == EEXIST && fs::is_directory(p, ec)) return;
    throw std::system_error(errno, std::generic_category(), "cannot create the directory " + dir);
  }
  ::chmod(dir.c_str(), kPrivateDirectoryMode);
}

int open_private_for_writing(const std::string& path, bool append) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), kPrivateFileMode);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + path);
  // A file this call created may have lost bits to the umask only; never gained any.
  return fd;
}

void write_private_file_durably(const std::string& path, std::string_view data) {
  const int fd = open_private_for_writing(path, /*append=*/false);
  auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    throw std::system_error(e, std::generic_category(), std::string(what) + " " + path);
  };
  for (std::size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("cannot flush to disk");
  ::close(fd);
  // The new name must be on disk too.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno == EEXIST) return;
  throw std::system_error(errno, std::generic_category(), "cannot create " + path);
}

}  // namespace declouder
