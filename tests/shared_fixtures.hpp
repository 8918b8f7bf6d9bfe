// The real-device recordings that live beside the repository, in ../shared (other
// projects' data, so never copied in): where they are, and a one-line skip for the
// tests that need them when a checkout has none beside it. CI has them, so there
// these tests run.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace declouder::test {

inline std::string shared_path(const std::string& rel) { return std::string(DECLOUDER_SHARED_DIR) + "/" + rel; }
inline bool shared_exists(const std::string& rel) { return std::filesystem::exists(shared_path(rel)); }

}  // namespace declouder::test

// First statement of a test that reads ../shared/REL.
#define SKIP_WITHOUT_SHARED(rel)                                                                     \
  if (!::declouder::test::shared_exists(rel))                                                        \
  GTEST_SKIP() << "needs ../shared/" << (rel) << " beside the checkout (real recordings are not in the repo)"
