// Xiaomi Mi Scale v1 (service data 0x181D). Vectors: openScale wiki, theengs
// decoder test table; the lb/jin frames are built from the documented status
// bits (lolouk44's accepted status bytes). Real XMTZC04HM adverts: the scale at
// C8:47:8C:C0:95:89 in ble_monitor's tests (custom-components/ble_monitor
// custom_components/ble_monitor/test/test_miscale_parser.py, from the log in its issue #292)
// and Home Assistant's xiaomi-ble (tests/test_parser.py test_Xiaomi_Scale1*), and the object
// weighing in theengs/decoder pull request #71.
#include "device_test_util.hpp"
#include "devices/xiaomi_mi_scale/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome mi_scale_record(std::string_view hex10) {
  return mi_scale::decode_frame(hex(hex10), mi_scale::ObjectBit::ignored);
}
DecodeOutcome mi(std::string_view hex10, std::string name = "") {
  Advertisement a = service_data_advert(0x181D, hex10);
  a.name = std::move(name);
  return advert("xiaomi-mi-scale", a);
}
}  // namespace

TEST(MiScale, WikiVectorStabilizedKg) {
  // The original XMTZC01HM (named MI_SCALE): its 0x40 bit is set on its owner's weighing.
  auto o = mi("62 AC 49 E0 07 0C 14 0D 1C 04", "MI_SCALE");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 94.30);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.load_removed);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2016, 12, 20, 13, 28, 4}));
  EXPECT_FALSE(o.reading.device_time->utc);
  EXPECT_STREQ(o.reading.model, "xiaomi-mi-scale");
  EXPECT_FALSE(o.reading.is_object);
}

TEST(MiScale, TheengsVector) {
  auto o = mi("223e30e607020e10293a");
  ASSERT_TRUE(o.ok());
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 61.75);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2022, 2, 14, 16, 41, 58}));
}

TEST(MiScale, PoundsStabilizedAndRemovedHasNoDate) {
  auto o = mi("a3803ee607020e10293a");  // 0xA3: lb, stabilized, removed; 16000/100 = 160 lb
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 160 * 0.45359237, 1e-9);
  EXPECT_TRUE(o.reading.load_removed);
  EXPECT_FALSE(o.reading.device_time);  // only meaningful while the load is on
}

TEST(MiScale, Jin) {
  auto o = mi("32a438e607020e10293a");  // 0x32: jin, stabilized; 14500/100 = 145 jin
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::jin);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.5);
}

TEST(MiScale, SettlingFrameIsNotStabilized) {
  auto o = mi("023e30e607020e10293a");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.device_time);
}

TEST(MiScale, ImpossibleDateIsDropped) {
  auto o = mi("223e30e6070d0e10293a");  // month 13
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.reading.device_time);
}

TEST(MiScale, RejectsWrongLength) {
  EXPECT_EQ(mi("62 AC 49 E0 07 0C 14 0D 1C").status, DecodeStatus::wrong_length);
  EXPECT_EQ(mi("62 AC 49 E0 07 0C 14 0D 1C 04 00").status, DecodeStatus::wrong_length);
  EXPECT_EQ(mi("").status, DecodeStatus::wrong_length);
}

// ble_monitor test_miscale_v1_ext_weight, xiaomi-ble test_Xiaomi_Scale1 (real capture): 86.55 kg
// stabilized, the load still on, the scale's clock at 2021-04-11 16:19:01.
TEST(MiScale, RealXmtzc04hmStabilizedWeighing) {
  auto o = mi("229e43e507040b101301", "MI SCALE2");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 86.55);
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_FALSE(o.reading.load_removed);
  EXPECT_FALSE(o.reading.is_object);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_EQ(o.reading.device_time->civil, (CivilTime{2021, 4, 11, 16, 19, 1}));
  EXPECT_FALSE(o.reading.device_time->unset);
}

// ble_monitor test_miscale_v1, xiaomi-ble test_Xiaomi_Scale1_mass_removed (real): 87.2 kg,
// stabilized, then the load removed (its clock never set: 1970, not reported anyway).
TEST(MiScale, RealXmtzc04hmLoadRemoved) {
  auto o = mi("a22044b20701010a1a15");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 87.2);
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_TRUE(o.reading.load_removed);
  EXPECT_FALSE(o.reading.device_time);
}

// ble_monitor test_miscale_v1_ext, xiaomi-ble test_Xiaomi_Scale1_non_stabilized (real): 0.1 kg,
// moving, removed.
TEST(MiScale, RealXmtzc04hmSettlingFrame) {
  auto o = mi("821400e507040b101708");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 0.1);
  EXPECT_FALSE(o.reading.stabilized);
  EXPECT_TRUE(o.reading.load_removed);
}

// xiaomi-ble test_Xiaomi_Scale1_reset: the empty scale's frame (0 kg, moving) is no weighing.
TEST(MiScale, TheResetFrameIsNoReading) {
  EXPECT_EQ(mi("800000e507040b101301").status, DecodeStatus::not_stabilized);
}

// theengs/decoder pull request #71 (1technophile's XMTZC04HM, "MI SCALE2", real capture): a
// 9.55 kg object in the small-object mode, LCD on, then off; the scale's clock never set.
TEST(MiScale, RealXmtzc04hmSmallObjectMode) {
  auto o = mi("627607b2070101000111", "MI SCALE2");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 9.55);
  EXPECT_TRUE(o.reading.is_object);
  EXPECT_TRUE(o.reading.stabilized);
  ASSERT_TRUE(o.reading.device_time);
  EXPECT_TRUE(o.reading.device_time->unset);  // 0x07B2 = 1970
  // Its history records have no object mode: the same bytes as a record are a person's.
  DecodeOutcome record = mi_scale_record("627607b2070101000111");
  ASSERT_TRUE(record.ok());
  EXPECT_FALSE(record.reading.is_object);
}

// Heard without a name, the 0x40 bit could be the XMTZC04HM's object mode or the XMTZC01HM's
// person weighing: it is kept as a person's (losing a weighing is worse than keeping an object's).
TEST(MiScale, ANamelessAdvertWithBitSixIsAPersonsWeighing) {
  auto o = mi("627607e607020e10293a");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.is_object);
  EXPECT_TRUE(mi("627607e607020e10293a", "MI SCALE2").reading.is_object);
  EXPECT_FALSE(mi("627607e607020e10293a", "MI_SCALE").reading.is_object);
}

// theengs decoder tests/BLE/test_ble.cpp, its Mi Smart Scale rows (frames built around one
// date, 2022-02-14 16:41:58) with the values its XMTZC04HMKG/LB definitions give, heard with the
// XMTZC04HM's name.
TEST(MiScale, TheengsTable) {
  struct Row {
    const char* hex;
    double weight;  // in the frame's unit
    WeightUnit unit;
    bool object, removed;
  };
  const Row rows[] = {
      {"223e30e607020e10293a", 61.75, WeightUnit::kg, false, false},
      {"627607e607020e10293a", 9.55, WeightUnit::kg, true, false},
      {"a23e30e607020e10293a", 61.75, WeightUnit::kg, false, true},
      {"e27607e607020e10293a", 9.55, WeightUnit::kg, true, true},
      {"237233e607020e10293a", 131.7, WeightUnit::lb, false, false},
      {"637607e607020e10293a", 19.1, WeightUnit::lb, true, false},
      {"a37233e607020e10293a", 131.7, WeightUnit::lb, false, true},
      {"e37607e607020e10293a", 19.1, WeightUnit::lb, true, true},
  };
  for (const Row& row : rows) {
    auto o = mi(row.hex, "MI SCALE2");
    ASSERT_TRUE(o.ok()) << row.hex << ": " << o.detail;
    EXPECT_EQ(o.reading.unit, row.unit) << row.hex;
    EXPECT_NEAR(from_kg(*o.reading.weight_kg, row.unit), row.weight, 1e-9) << row.hex;
    EXPECT_EQ(o.reading.is_object, row.object) << row.hex;
    EXPECT_EQ(o.reading.load_removed, row.removed) << row.hex;
    EXPECT_TRUE(o.reading.stabilized) << row.hex;
  }
}
