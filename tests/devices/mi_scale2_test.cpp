// Vectors: public Q&A pages and the theengs decoder test table (see the header
// of src/devices/mi_scale2.cpp).
#include <gtest/gtest.h>

#include "devices/registry.hpp"

using namespace declouder;

namespace {
DecodeOutcome decode_181b(const char* hex) {
  Advertisement adv;
  adv.service_data.emplace_back(Uuid::from16(0x181B), *parse_hex(hex));
  DecodeOutcome result;
  registry().decode_advertisement(adv, [&](const DeviceFamily& f, const DecodeOutcome& o) {
    if (f.id == "xiaomi-mi-scale-2") result = o;
  });
  return result;
}
}  // namespace

TEST(MiScale2, WeightAndImpedance) {
  auto o = decode_181b("0226e607020e10293af7019a38");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.impedance_ohm, 503);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.load_removed);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2022, 2, 14, 16, 41, 58}));
}

TEST(MiScale2, RemovedFrameWithPlaceholderImpedance) {
  auto o = decode_181b("02a4b2070213063b17fdffc83c");
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 77.8);
  EXPECT_FALSE(o.reading.impedance_ohm);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_TRUE(o.reading.load_removed);
  EXPECT_TRUE(o.reading.device_time->unset);  // 0x07B2 = 1970: the clock was never set
}

TEST(MiScale2, UnsetClockIs1970) {
  auto o = decode_181b("0224b20701010c0000fd013c00");
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_TRUE(o.reading.device_time->unset);
}

TEST(MiScale2, Pounds) {
  auto o = decode_181b("0326e607020e10293af701f136");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 140.65 * 0.45359237, 1e-9);
}

TEST(MiScale2, RejectsWrongLength) {
  auto o = decode_181b("0226e607020e10293af7019a");
  EXPECT_EQ(o.status, DecodeStatus::wrong_length);
}
