// Excelvan CF366/CF369 result frame and user config (layout of research §2.7;
// no public capture, so the frame is built from the layout):
//   CF 00 00 00 | 02D5 72.5 kg | 00EB 23.5 % | 1E 3.0 kg | 017E 38.2 % | 08 | 0226 55.0 % | 0690 1680 kcal
#include "device_test_util.hpp"
#include "devices/excelvan_cf36x/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome result(std::string_view h) { return gatt("excelvan-cf36x", 0xFFF4, h, "Electronic Scale"); }
}  // namespace

TEST(Excelvan, ResultFrame) {
  auto o = result("cf00000002d500eb1e017e0802260690");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.5);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 23.5, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bone_kg"), 3.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 38.2, 1e-9);
  EXPECT_EQ(metric(o.reading, "visceral_fat"), 8);
  EXPECT_NEAR(metric(o.reading, "water_percent"), 55.0, 1e-9);
  EXPECT_EQ(metric(o.reading, "bmr_kcal"), 1680);
  EXPECT_TRUE(o.reading.stabilized);
  // 17 bytes is the other known length.
  EXPECT_TRUE(result("cf00000002d500eb1e017e080226069000").ok());
}

TEST(Excelvan, ConfiguredPounds) {
  auto o = excelvan::decode_result(hex("cf000000064000eb1e017e0802260690"), WeightUnit::lb);  // 160.0 lb
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*o.reading.weight_kg, 160 * 0.45359237, 1e-9);
}

TEST(Excelvan, Rejects) {
  EXPECT_EQ(result("cf00000002d500eb1e017e08022606").status, DecodeStatus::wrong_length);
  EXPECT_EQ(result("ce00000002d500eb1e017e0802260690").status, DecodeStatus::not_this_device);
  EXPECT_EQ(result("cf000000000000eb1e017e0802260690").status, DecodeStatus::invalid_value);
}

TEST(Excelvan, UserConfig) {
  excelvan::UserConfig u;
  u.male = true;
  u.activity = 1;
  u.height_cm = 180;
  u.age = 40;
  u.unit = WeightUnit::kg;
  // FE 01 01 01 B4 28 01 <xor of 01 01 01 B4 28 01 = 0x9C>
  EXPECT_EQ(excelvan::build_user_config(u), hex("FE 01 01 01 B4 28 01 9C"));
}
