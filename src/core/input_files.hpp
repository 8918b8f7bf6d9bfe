// Files declouder reads that a user names on the command line or in the config
// (captures, BodyBugg dumps, CSV imports, calibration tables, definitions): one
// place that turns every way such a file can be wrong into the same clear
// message, so `capture info DIR`, `bodybugg parse DIR` and `import DIR` all say
// "DIR: is a directory, not a file" instead of "is empty" or nothing at all.
#pragma once

#include <stdexcept>
#include <string>

namespace declouder {

// "PATH: no such file", "PATH: is a directory, not a file", "PATH: cannot read
// it (Permission denied)", "PATH: the file is empty".
struct InputFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Opens `path` for reading: a file descriptor (the caller closes it), or throws
// InputFileError. A directory, a socket or a missing file never gets this far.
int open_input_file(const std::string& path);

// The whole of `path`; throws InputFileError, also when it is empty and
// `empty_is_error` is set (the default: an empty dump or CSV has nothing to read).
std::string read_input_file(const std::string& path, bool empty_is_error = true);

// The message for a read(2) error on `path` ("PATH: cannot read it (Input/output error)").
std::string input_read_error(const std::string& path, int error);

}  // namespace declouder
