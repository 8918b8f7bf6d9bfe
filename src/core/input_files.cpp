#include "core/input_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace declouder {

std::string input_read_error(const std::string& path, int error) {
  return path + ": cannot read it (" + std::strerror(error) + ")";
}

int open_input_file(const std::string& path) {
  if (path.empty()) throw InputFileError("an empty file name");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) throw InputFileError(path + ": no such file");
    throw InputFileError(input_read_error(path, errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw InputFileError(input_read_error(path, e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputFileError(path + ": is a directory, not a file");
  }
  // O_NONBLOCK only so that opening a FIFO without a writer does not hang; reads block again.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::string read_input_file(const std::string& path, bool empty_is_error) {
  const int fd = open_input_file(path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    const int e = errno;
    ::close(fd);
    throw InputFileError(input_read_error(path, e));
  }
  ::close(fd);
  if (out.empty() && empty_is_error) throw InputFileError(path + ": the file is empty");
  return out;
}

}  // namespace declouder
