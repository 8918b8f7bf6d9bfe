#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"

#include <gtest/gtest.h>

using namespace declouder;

TEST(Hex, ParsesWithAndWithoutSeparators) {
  EXPECT_EQ(parse_hex("0a1B2c"), (Bytes{0x0a, 0x1b, 0x2c}));
  EXPECT_EQ(parse_hex("0a 1b:2c"), (Bytes{0x0a, 0x1b, 0x2c}));
  EXPECT_EQ(parse_hex("0x0a1b"), (Bytes{0x0a, 0x1b}));
  EXPECT_EQ(parse_hex(""), Bytes{});
}

TEST(Hex, RejectsOddDigitsAndNonHex) {
  EXPECT_FALSE(parse_hex("0a1"));
  EXPECT_FALSE(parse_hex("zz"));
  EXPECT_FALSE(parse_hex("0 a"));
}

TEST(Hex, FormatsLowercase) {
  Bytes b{0xde, 0xad, 0x01};
  EXPECT_EQ(to_hex(b), "dead01");
  EXPECT_EQ(to_hex_spaced(b), "de ad 01");
}

TEST(Readers, NeverReadPastTheEnd) {
  Bytes b{0x01, 0x02, 0x03};
  EXPECT_EQ(u16le_at(b, 0), 0x0201);
  EXPECT_EQ(u16be_at(b, 1), 0x0203);
  EXPECT_FALSE(u16le_at(b, 2));
  EXPECT_EQ(u24be_at(b, 0), 0x010203u);
  EXPECT_FALSE(u32le_at(b, 0));
}

TEST(Address, ParsesAndPrints) {
  auto m = MacAddress::parse("d0:49:00:3f:a1:5c");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->str(), "D0:49:00:3F:A1:5C");
  EXPECT_EQ(m->dbus_path_part(), "D0_49_00_3F_A1_5C");
  EXPECT_FALSE(MacAddress::parse("d0:49:00:3f:a1"));
  EXPECT_FALSE(MacAddress::parse("d0:49:00:3f:a1:5g"));
  const std::uint8_t le[] = {0xB6, 0xCA, 0x32, 0x10, 0x0F, 0xC8};
  EXPECT_EQ(MacAddress::from_le(le).str(), "C8:0F:10:32:CA:B6");
}

TEST(Uuid, ShortAndLongFormsAreEqual) {
  auto a = Uuid::parse("181b");
  auto b = Uuid::parse("0000181B-0000-1000-8000-00805f9b34fb");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(a->is16());
  EXPECT_EQ(a->short16(), 0x181b);
  EXPECT_EQ(a->short_str(), "181b");
  EXPECT_EQ(a->str(), "0000181b-0000-1000-8000-00805f9b34fb");
  EXPECT_FALSE(Uuid::parse("18"));
  EXPECT_FALSE(Uuid::parse("xyzw"));
  auto custom = Uuid::parse("00002a2f-0000-3512-2118-0009af100700");
  ASSERT_TRUE(custom);
  EXPECT_FALSE(custom->is16());
}

// Found by scripts/fuzz.sh --explore (hex_fuzz): a second "0x" inside a 32-digit form made
// parse_hex() return 15 bytes, and the 16th was read past the end.
TEST(Uuid, TakesOnlyHexDigitsInEachForm) {
  EXPECT_FALSE(Uuid::parse("0X0X00000075128000000000198927512" "8"));
  EXPECT_FALSE(Uuid::parse("0x0x00000075128000000000198927"));
  EXPECT_FALSE(Uuid::parse("12 34 56"));        // 8 characters, 3 bytes
  EXPECT_FALSE(Uuid::parse("0x0x18"));
  EXPECT_FALSE(Uuid::parse("0000181b:0000-1000-8000-00805f9b34fb"));
  EXPECT_FALSE(Uuid::parse("0000181b-00 0-1000-8000-00805f9b34fb"));
  ASSERT_TRUE(Uuid::parse("0x0000181b00001000800000805f9b34fb"));
  EXPECT_EQ(*Uuid::parse("0x0000181b00001000800000805f9b34fb"), *Uuid::parse("181b"));
}

TEST(Time, RoundTripsCivilAndUnix) {
  EXPECT_EQ(unix_from_civil({2024, 3, 17, 19, 59, 33}), 1710705573);
  EXPECT_EQ(civil_from_unix(1710705573), (CivilTime{2024, 3, 17, 19, 59, 33}));
  EXPECT_EQ(iso8601_utc_s(1710705573), "2024-03-17T19:59:33Z");
  EXPECT_EQ(iso8601_utc_us(1448824757082084), "2015-11-29T19:19:17.082084Z");
}

TEST(Time, ParsesIso8601) {
  EXPECT_EQ(parse_iso8601_us("2024-03-17T19:59:33Z"), 1710705573LL * 1000000);
  EXPECT_EQ(parse_iso8601_us("2024-03-17T21:59:33+02:00"), 1710705573LL * 1000000);
  EXPECT_EQ(parse_iso8601_us("2024-03-17T19:59:33.5Z"), 1710705573LL * 1000000 + 500000);
  EXPECT_FALSE(parse_iso8601_us("2024-13-17T19:59:33Z"));
  EXPECT_FALSE(parse_iso8601_us("yesterday"));
}
