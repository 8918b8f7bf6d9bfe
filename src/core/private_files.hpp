// Health data is private: every file declouder creates (the database and its
// -wal/-shm, JSON lines, CSV exports, raw armband logs) is 0600 and every
// directory it creates 0700, whatever the umask. SQLite gives -wal and -shm the
// mode of their database file (sqlite.org/src, os_unix.c findCreateFileMode),
// so creating the database 0600 covers them.
#pragma once

#include <string>
#include <string_view>

namespace declouder {

constexpr unsigned kPrivateFileMode = 0600;
constexpr unsigned kPrivateDirectoryMode = 0700;

// Creates the directories of `dir` that are missing, each 0700 (existing ones
// are left as they are). Throws std::system_error naming the directory.
void create_private_directories(const std::string& dir);

// Creates `path` empty and 0600 when it does not exist (an existing file is
// left as it is). Throws std::system_error naming the file.
void create_private_file(const std::string& path);

// Opens `path` for appending (or truncating), creating it 0600: the fd, or
// throws std::system_error naming the file.
int open_private_for_writing(const std::string& path, bool append);

// Writes `data` as the whole of `path` (0600), then fsyncs the file and its
// directory: on disk before anything that relies on it (clearing the device the
// data came from). Throws std::system_error naming the file.
void write_private_file_durably(const std::string& path, std::string_view data);

}  // namespace declouder
