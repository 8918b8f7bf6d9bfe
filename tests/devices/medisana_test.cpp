// Medisana BS44x weight and body frames (layout of research §2.8; no public
// capture, so frames are built from the layout). Timestamp 0x1ABA10A5 is
// 2024-03-17T19:59:33Z counted from 2010-01-01.
#include "device_test_util.hpp"
#include "devices/medisana.hpp"

using namespace declouder;
using namespace declouder::test;

TEST(Medisana, WeightFrame) {
  auto o = gatt("medisana-bs44x", 0x8A21, "004d1c0000a510ba1a0000000003", "0202B6FF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.user_slot, 3);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_EQ(o.reading.unit, WeightUnit::kg);
}

TEST(Medisana, Bs430UnixTimestampAndPoundsDisplay) {
  // flags 0x20: display in lb; timestamp 0x65F74BA5 is Unix time (BS430); user 0xFF = none
  auto o = medisana::decode_weight(hex("204d1c0000a54bf765000000 00ff"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reading.unit, WeightUnit::lb);
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_FALSE(o.reading.user_slot);
}

TEST(Medisana, BodyFrameMasksTheTopNibble) {
  auto o = gatt("medisana-bs44x", 0x8A22, "00a510ba1a039006ebf026027e011e00", "0202B6FF");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.weight_kg);
  EXPECT_EQ(o.reading.user_slot, 3);
  EXPECT_EQ(metric(o.reading, "bmr_kcal"), 1680);
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 23.5, 1e-9);  // 0xF0EB & 0x0FFF = 235
  EXPECT_NEAR(metric(o.reading, "water_percent"), 55.0, 1e-9);
  EXPECT_NEAR(metric(o.reading, "muscle_percent"), 38.2, 1e-9);
  EXPECT_NEAR(metric(o.reading, "bone_kg"), 3.0, 1e-9);
}

TEST(Medisana, Rejects) {
  EXPECT_EQ(medisana::decode_weight(hex("004d1c0000a510ba1a00")).status, DecodeStatus::wrong_length);
  EXPECT_EQ(medisana::decode_weight(hex("00000000 00a510ba1a0000000003")).status, DecodeStatus::invalid_value);
  EXPECT_EQ(medisana::decode_body(hex("00a510ba1a039006ebf026027e01")).status, DecodeStatus::wrong_length);
}

TEST(Medisana, TimeCommand) {
  EXPECT_EQ(medisana::epoch_for_name("0203B1234"), medisana::Epoch::unix1970);
  EXPECT_EQ(medisana::epoch_for_name("0202B6FF"), medisana::Epoch::y2010);
  EXPECT_EQ(medisana::build_time_command(1710705573, medisana::Epoch::y2010), hex("02 a5 10 ba 1a"));
  EXPECT_EQ(medisana::build_time_command(1710705573, medisana::Epoch::unix1970), hex("02 a5 4b f7 65"));
}
