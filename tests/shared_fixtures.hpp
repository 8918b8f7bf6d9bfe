// The real-device recordings that live beside the repository, in ../shared (other
// projects' data, so never copied in): where they are, how to read them, and a one-line
// skip for the tests that need them when a checkout has none beside it. CI has them, so
// there these tests run.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace declouder::test {

inline std::string shared_path(const std::string& rel) { return std::string(DECLOUDER_SHARED_DIR) + "/" + rel; }
inline bool shared_exists(const std::string& rel) { return std::filesystem::exists(shared_path(rel)); }

inline std::string read_shared_text(const std::string& rel) {
  std::ifstream in(shared_path(rel), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Bytes read_shared_bytes(const std::string& rel) {
  std::string s = read_shared_text(rel);
  return Bytes(s.begin(), s.end());
}

// gowearfit_ftest.frames: each frame as a 4-byte LE length + the frame.
inline std::vector<Bytes> read_length_prefixed_frames(const std::string& rel) {
  Bytes all = read_shared_bytes(rel);
  std::vector<Bytes> out;
  std::size_t p = 0;
  while (p + 4 <= all.size()) {
    std::size_t n = le32(&all[p]);
    p += 4;
    if (p + n > all.size()) break;
    out.emplace_back(all.begin() + p, all.begin() + p + n);
    p += n;
  }
  return out;
}

}  // namespace declouder::test

// First statement of a test that reads ../shared/REL.
#define SKIP_WITHOUT_SHARED(rel)                                                                     \
  if (!::declouder::test::shared_exists(rel))                                                        \
  GTEST_SKIP() << "needs ../shared/" << (rel) << " beside the checkout (real recordings are not in the repo)"
