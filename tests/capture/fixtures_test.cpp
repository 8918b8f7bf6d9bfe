// tests/data/captures/ holds the synthetic session of synthetic.hpp in every
// container, for the command-line and Wireshark tests. This test keeps the
// files equal to what the writer produces; to rewrite them after a deliberate
// change: DECLOUDER_REGENERATE=1 build/tests/declouder_tests --gtest_filter='GeneratedFixtures.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "synthetic.hpp"

namespace declouder::capture {
namespace {

constexpr std::pair<CaptureFormat, const char*> kFiles[] = {
    {CaptureFormat::btsnoop_hci, "picooc_session.btsnoop-hci"},
    {CaptureFormat::btsnoop_h4, "picooc_session.btsnoop-h4"},
    {CaptureFormat::btsnoop_monitor, "picooc_session.btsnoop-monitor"},
    {CaptureFormat::pklg_be, "picooc_session.pklg-be"},
    {CaptureFormat::pklg_le, "picooc_session.pklg-le"},
    {CaptureFormat::hcidump_text, "picooc_session.hcidump-text"},
};

TEST(GeneratedFixtures, MatchTheWriter) {
  const bool regenerate = std::getenv("DECLOUDER_REGENERATE") != nullptr;
  for (auto [format, name] : kFiles) {
    const std::string path = std::string(DECLOUDER_TESTDATA_DIR) + "/captures/" + name;
    Bytes want = testing::write_capture(testing::picooc_session(), format);
    if (regenerate) {
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(want.data()), static_cast<std::streamsize>(want.size()));
    }
    std::ifstream f(path, std::ios::binary);
    ASSERT_TRUE(f) << path << " is missing: run with DECLOUDER_REGENERATE=1";
    Bytes have((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ(have, want) << path << " differs from the writer's output";
  }
}

}  // namespace
}  // namespace declouder::capture
