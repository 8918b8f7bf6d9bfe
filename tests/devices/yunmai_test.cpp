// Yunmai final frames and requests. No public capture of a final frame exists,
// so the frames are built from the documented layout (research §2.5):
//   0D 1D 12 02 00 | 65F74BA5 (time) | 00000007 (uid) | 1C4F (72.47 kg) | 01F4 (500) | xor
#include "device_test_util.hpp"
#include "devices/yunmai/protocol.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome yun(std::string_view h) { return gatt("yunmai", 0xFFE4, h, "YUNMAI-ISM2-W"); }
}  // namespace

TEST(Yunmai, FinalFrameOldProtocol) {
  auto o = yun("0d1d12020065f74ba5000000071c4f01f4d0");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.47);
  EXPECT_EQ(o.reading.impedance_ohm, 500.0);
  EXPECT_EQ(o.reading.user_slot, 7);
  EXPECT_EQ(iso8601(*o.reading.device_time), "2024-03-17T19:59:33Z");
  EXPECT_TRUE(o.reading.stabilized);
  EXPECT_EQ(metric(o.reading, "fat_percent"), -1);
}

TEST(Yunmai, FinalFrameWithScaleFat) {
  auto o = yun("0d1e14020065f74ba5000000071c4f01f40866bb");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_NEAR(metric(o.reading, "fat_percent"), 21.5, 1e-9);
}

TEST(Yunmai, Rejects) {
  EXPECT_EQ(yun("0d1d0601 0000").status, DecodeStatus::not_stabilized);   // measuring
  EXPECT_EQ(yun("0d1e14020065f74ba5000000071c4f01f4d0").status, DecodeStatus::wrong_length);  // proto 1E needs 20
  EXPECT_EQ(yun("0d1d12020065f74ba500000007").status, DecodeStatus::wrong_length);
  EXPECT_EQ(yun("0e1d12020065f74ba5000000071c4f01f4d0").status, DecodeStatus::not_this_device);
  EXPECT_EQ(yun("0d1d12020065f74ba50000000700 0001f4d0").status, DecodeStatus::invalid_value);  // zero weight
  EXPECT_EQ(yun("0d1d0503 00").status, DecodeStatus::unsupported_frame);
}

TEST(Yunmai, RequestBuilders) {
  EXPECT_EQ(yunmai::build_start(), hex("0D 05 13 00 16"));
  // 0D 0D 11 <1710705573 BE> 00 x5 <xor of bytes 1..11>
  EXPECT_EQ(yunmai::build_set_time(1710705573), hex("0D 0D 11 65 F7 4B A5 00 00 00 00 00 60"));
  yunmai::UserProfile u;
  u.user_id = 7;
  u.height_cm = 180;
  u.male = false;
  u.age = 40;
  u.unit = WeightUnit::lb;
  u.athlete = true;
  auto frame = yunmai::build_set_user(u);
  EXPECT_EQ(frame, hex("0D 12 10 01 00 00 00 07 B4 02 28 55 5A 00 00 02 01 96"));
}
