// Vectors: public Q&A pages and the theengs decoder test table (see the header
// of src/devices/xiaomi_mi_scale_2/protocol.cpp); real adverts of an XMTZC05HM at
// DF:DE:44:82:14:EF in ble_monitor's tests (custom-components/ble_monitor
// custom_components/ble_monitor/test/test_miscale_parser.py) and Home Assistant's xiaomi-ble
// (tests/test_parser.py test_Xiaomi_Scale2*).
#include <gtest/gtest.h>

#include "devices/registry.hpp"

using namespace declouder;

namespace {
DecodeOutcome decode_181b(const char* hex) {
  Advertisement adv;
  adv.service_data.emplace_back(Uuid::from16(0x181B), *parse_hex(hex));
  DecodeOutcome result;
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
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

// Review additions: the object mode vector, jin, the impedance gates, the
// weight-present flag, and the dispatch boundaries.
TEST(MiScale2, SmallObjectMode) {
  auto o = decode_181b("0624b2070101002e3800004c04");  // public vector: object mode, stable, 5.50 kg
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_TRUE(o.reading.is_object);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 5.5);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(MiScale2, Jin) {
  auto o = decode_181b("0264e607020e10293af701a438");  // ctrl1 0x64: jin, stable; 14500/100 jin
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::jin);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.5);
}

TEST(MiScale2, ImpedanceOnlyWhenFlaggedAndPlausible) {
  // Flag clear (ctrl1 0x24): the 503 in bytes 9-10 is ignored.
  auto o = decode_181b("0224e607020e10293af7019a38");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.impedance_ohm);
  // Flag set but 0xFFFD placeholder.
  o = decode_181b("0226e607020e10293afdff9a38");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.impedance_ohm);
  // Flag set, 3000 ohm: beyond what a body measures.
  o = decode_181b("0226e607020e10293ab80b9a38");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.impedance_ohm);
}

TEST(MiScale2, RejectsFrameWithoutWeightFlag) {
  auto o = decode_181b("0222e607020e10293af7019a38");
  EXPECT_EQ(o.status, DecodeStatus::invalid_value);
}

TEST(MiScale2, NotOfferedOtherServiceData) {
  Advertisement adv;
  adv.service_data.emplace_back(Uuid::from16(0x181D), *parse_hex("0226e607020e10293af7019a38"));
  bool tried = false;
  builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor& f, const DecodeOutcome&) {
    if (f.id == "xiaomi-mi-scale-2") tried = true;
  });
  EXPECT_FALSE(tried);
}

// ble_monitor test_miscale_v2_impedance, xiaomi-ble test_Xiaomi_Scale2 (real capture): 85.15 kg,
// 428 ohm, stabilized; the scale's clock never set (1970).
TEST(MiScale2, RealWeighingWithImpedance) {
  auto o = decode_181b("0226b20705040f0201ac018642");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 85.15);
  EXPECT_EQ(o.reading.impedance_ohm, 428);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.load_removed);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_TRUE(o.reading.device_time->unset);
}

// ble_monitor test_miscale_v2, xiaomi-ble test_Xiaomi_Scale2_non_stabilized (real): 105.8 kg,
// still moving, no impedance yet.
TEST(MiScale2, RealSettlingFrame) {
  auto o = decode_181b("0204b207010112101a0000a852");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 105.8);
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.impedance_ohm);
}

// xiaomi-ble test_Xiaomi_Scale2_reset: ctrl1 0x82 (removed, no weight flag, 0 kg) is no reading.
TEST(MiScale2, TheResetFrameIsNoReading) {
  EXPECT_FALSE(decode_181b("0282b20705040f020100000000").ok());
}

// theengs decoder tests/BLE/test_ble.cpp, its Mi_Body_Scale_2 rows (built around one date),
// with the values its XMTZC05HMKG/LB definitions give: ctrl0 bit 2 the object mode, ctrl1
// bit 1 the impedance, bit 7 the load removed.
TEST(MiScale2, TheengsTable) {
  struct Row {
    const char* hex;
    double weight;  // in the frame's unit
    WeightUnit unit;
    int impedance;  // 0: none
    bool object, removed;
  };
  const Row rows[] = {
      {"0226e607020e10293af7019a38", 72.45, WeightUnit::kg, 503, false, false},
      {"0224e607020e10293a00009a38", 72.45, WeightUnit::kg, 0, false, false},
      {"0624e607020e10293a0000fc03", 5.1, WeightUnit::kg, 0, true, false},
      {"0326e607020e10293af701f136", 140.65, WeightUnit::lb, 503, false, false},
      {"0324e607020e10293a0000f136", 140.65, WeightUnit::lb, 0, false, false},
      {"0724e607020e10293a0000ce04", 12.3, WeightUnit::lb, 0, true, false},
      {"02a6e607020e10293af7019a38", 72.45, WeightUnit::kg, 503, false, true},
      {"02a4e607020e10293a00009a38", 72.45, WeightUnit::kg, 0, false, true},
      {"06a4e607020e10293a0000fc03", 5.1, WeightUnit::kg, 0, true, true},
      {"03a6e607020e10293af701f136", 140.65, WeightUnit::lb, 503, false, true},
      {"03a4e607020e10293a0000f136", 140.65, WeightUnit::lb, 0, false, true},
      {"07a4e607020e10293a0000ce04", 12.3, WeightUnit::lb, 0, true, true},
  };
  for (const Row& row : rows) {
    auto o = decode_181b(row.hex);
    ASSERT_TRUE(o.ok()) << row.hex << ": " << o.detail;
    EXPECT_EQ(o.reading.unit, row.unit) << row.hex;
    EXPECT_NEAR(from_kg(*o.reading.weight_kg, row.unit), row.weight, 1e-9) << row.hex;
    EXPECT_EQ(o.reading.impedance_ohm.value_or(0), row.impedance) << row.hex;
    EXPECT_EQ(o.reading.is_object, row.object) << row.hex;
    EXPECT_EQ(o.reading.load_removed, row.removed) << row.hex;
  }
}
