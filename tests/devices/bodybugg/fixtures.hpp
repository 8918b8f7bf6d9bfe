// Reading the real BodyBugg recordings of ../shared/fixtures/bodybugg in tests (each test
// that does starts with SKIP_WITHOUT_SHARED, from shared_fixtures.hpp).
#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "core/bytes.hpp"
#include "shared_fixtures.hpp"

namespace declouder::testing_fixtures {

using declouder::test::shared_path;

inline std::string read_text(const std::string& rel) {
  std::ifstream in(shared_path(rel), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Bytes read_bytes(const std::string& rel) {
  std::string s = read_text(rel);
  return Bytes(s.begin(), s.end());
}

// gowearfit_ftest.frames: each frame as a 4-byte LE length + the frame.
inline std::vector<Bytes> read_length_prefixed_frames(const std::string& rel) {
  Bytes all = read_bytes(rel);
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

}  // namespace declouder::testing_fixtures
