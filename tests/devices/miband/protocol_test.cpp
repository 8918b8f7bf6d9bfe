// Mi Band 1/1A/1S bytes. Vectors: the research notes' worked user-info example
// (computed from the published algorithm; CRC check value 0xA1 is the standard
// one for CRC-8/MAXIM), the Mi Fit capture's `15 02 01` and `06 46`, Gadgetbridge's
// documented FF09 parameter bytes. Device info and activity vectors are built
// from the layout and marked as such.
#include <gtest/gtest.h>

#include "devices/miband/protocol.hpp"
#include "devices/registry.hpp"

using namespace declouder;
using namespace declouder::miband;

namespace {
MacAddress mac(const char* s) { return *MacAddress::parse(s); }
UserProfile research_user() {
  UserProfile u;
  u.uid = 1550050550;
  u.sex = Sex::male;
  u.age_years = 30;
  u.height_cm = 175;
  u.weight_kg = 70;
  return u;
}
}  // namespace

TEST(MiBandCrc8, StandardCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc8_maxim(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())), 0xA1);
}

TEST(MiBandUserInfo, ResearchVector1S) {
  auto u = research_user();
  u.alias = "15500505";
  Bytes b = build_user_info(u, mac("C8:0F:10:32:CA:AB"), Model::mi1s);
  EXPECT_EQ(to_hex(b), "f6e4635c011eaf46000400313535303035303564");
  EXPECT_TRUE(user_info_checksum_ok(b, mac("C8:0F:10:32:CA:AB")));
  EXPECT_FALSE(user_info_checksum_ok(b, mac("C8:0F:10:32:CA:AC")));  // another band
}

TEST(MiBandUserInfo, ResearchVectorMi1Layout) {
  auto u = research_user();
  u.alias = "1550050550";
  Bytes b = build_user_info(u, mac("88:0F:10:00:00:AB"), Model::mi1);
  EXPECT_EQ(to_hex(b), "f6e4635c011eaf46003135353030353035353099");
}

TEST(MiBandUserInfo, OneAUsesItsFeatureByteAndTruncatesHeight) {
  auto u = research_user();
  u.height_cm = static_cast<std::uint8_t>(300 & 0xFF);
  u.alias = "x";
  Bytes b = build_user_info(u, mac("88:0F:10:00:00:00"), Model::mi1a);
  ASSERT_EQ(b.size(), 20u);
  EXPECT_EQ(b[6], 300 & 0xFF);
  EXPECT_EQ(b[9], 5);
  EXPECT_EQ(b[10], 0);
  EXPECT_EQ(b[11], 'x');
  EXPECT_EQ(b[12], 0);
  EXPECT_EQ(b[19], crc8_maxim(ByteView(b).first(19)));  // MAC octet 00
}

TEST(MiBandDeviceInfo, ParsesAndChecks) {
  // Synthetic, from the layout: id bytes, feature 4, appearance 0, hw 4 (1S),
  // profile 2.0.7.0, firmware, heart-rate firmware.
  DeviceInfo d;
  d.device_id = {0x88, 0x0F, 0x10, 0x32, 0x04, 0x00, 0x04, 0x00};
  d.feature = 4;
  d.hardware = 4;
  d.profile_version = 0x02000700;
  d.firmware_version = 0x04000212;
  d.heart_rate_firmware = 0x01000100;
  Bytes b = build_device_info(d);
  ASSERT_EQ(b.size(), 20u);
  EXPECT_EQ(b[7], static_cast<std::uint8_t>(crc8_maxim(ByteView(b).first(7)) ^ b[3]));
  auto r = parse_device_info(b);
  ASSERT_TRUE(r.info) << r.error;
  EXPECT_EQ(r.info->model, Model::mi1s);
  EXPECT_TRUE(r.info->packets_have_counter());
  EXPECT_EQ(r.info->heart_rate_firmware, 0x01000100u);
  b[7] ^= 1;
  EXPECT_FALSE(parse_device_info(b).info);
  EXPECT_NE(parse_device_info(b).error.find("check byte"), std::string::npos);
  EXPECT_FALSE(parse_device_info(ByteView(b).first(15)).info);
  DeviceInfo one;
  one.device_id = Bytes(8, 0x11);
  one.hardware = 2;
  auto r1 = parse_device_info(build_device_info(one));
  ASSERT_TRUE(r1.info);
  EXPECT_EQ(r1.info->model, Model::mi1);
  EXPECT_FALSE(r1.info->heart_rate_firmware);
}

TEST(MiBandStatus, PairingGate) {
  EXPECT_EQ(gate_for_status(0x13), Gate::wait_for_tap);
  EXPECT_EQ(gate_for_status(0x15), Gate::proceed);
  EXPECT_EQ(gate_for_status(0x05), Gate::proceed);
  EXPECT_EQ(gate_for_status(0x0A), Gate::proceed);
  EXPECT_EQ(gate_for_status(0x06), Gate::failed);
  EXPECT_EQ(gate_for_status(0x07), Gate::ignore);
  EXPECT_EQ(status_name(0x13), "tap the band to confirm (it vibrates)");
}

TEST(MiBandCommands, BytesOnTheWire) {
  EXPECT_EQ(to_hex(command::heart_rate(command::kHrManual, true)), "150201");  // Mi Fit capture
  EXPECT_EQ(to_hex(command::heart_rate(command::kHrContinuous, false)), "150100");
  EXPECT_EQ(to_hex(command::le_params_low_latency()), "270031000000f40100000000");
  EXPECT_EQ(to_hex(command::le_params_high_latency()), "cc01f4010000f40100000000");
  EXPECT_EQ(to_hex(command::fitness_goal(8000)), "0500401f");
  EXPECT_EQ(to_hex(command::realtime_steps(true)), "0301");
  EXPECT_EQ(to_hex(command::wear_location(true)), "0f01");
  CivilTime t{2015, 12, 31, 23, 59, 58};
  EXPECT_EQ(to_hex(encode_date(t)), "0f0b1f173b3a");  // month 0-based: December = 11
  EXPECT_EQ(decode_date(encode_date(t)), t);
  EXPECT_EQ(to_hex(encode_date_time_write(t)), "0f0b1f173b3a0f0f0f0f0f0f");
  EXPECT_EQ(to_hex(command::ack_activity(t, 0x0102)), "0a0f0b1f173b3a0201");
  EXPECT_EQ(to_hex(command::ack_activity(t, 0x0102, true)), "0a0f0b1f173b3afdfe");
}

TEST(MiBandBattery, TenBytes) {
  auto b = parse_battery(*parse_hex("5a0f0b1f173b3a0c0002"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->level_percent, 90);
  EXPECT_EQ(b->last_charge, (CivilTime{2015, 12, 31, 23, 59, 58}));
  EXPECT_EQ(b->charge_count, 12);
  EXPECT_EQ(battery_status_name(b->status), "charging");
  EXPECT_FALSE(parse_battery(*parse_hex("650f0b1f173b3a0c0002")));  // 101 %
  EXPECT_FALSE(parse_battery(*parse_hex("5a0f0b1f173b3a0c00")));
}

TEST(MiBandSteps, TwoOrFourBytes) {
  EXPECT_EQ(parse_realtime_steps(*parse_hex("3412")), 0x1234u);
  EXPECT_EQ(parse_realtime_steps(*parse_hex("78563412")), 0x12345678u);
  EXPECT_FALSE(parse_realtime_steps(*parse_hex("12")));
}

TEST(HeartRateMeasurement, MiBandAndStrapForms) {
  auto m = parse_heart_rate_measurement(*parse_hex("0646"));  // the Mi Fit capture: 70 bpm
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bpm, 70);
  EXPECT_EQ(m->sensor_contact, true);
  auto strap = parse_heart_rate_measurement(*parse_hex("11" "2c01" "0004" "0002"));  // u16 bpm 300, RR x2
  ASSERT_TRUE(strap);
  EXPECT_EQ(strap->bpm, 300);
  ASSERT_EQ(strap->rr_intervals_s.size(), 2u);
  EXPECT_DOUBLE_EQ(strap->rr_intervals_s[0], 1.0);
  EXPECT_DOUBLE_EQ(strap->rr_intervals_s[1], 0.5);
  auto energy = parse_heart_rate_measurement(*parse_hex("084b1000"));
  ASSERT_TRUE(energy);
  EXPECT_EQ(energy->energy_expended_kj, 16);
  std::string why;
  EXPECT_FALSE(parse_heart_rate_measurement(*parse_hex("01"), &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(parse_heart_rate_measurement(*parse_hex("064600")));  // trailing byte
  EXPECT_EQ(to_hex(build_heart_rate_measurement(70)), "0646");
}

TEST(HeartRateFamily, RegistryDecodes2A37AndMiBandValues) {
  GattValue v;
  v.characteristic = Uuid::from16(0x2A37);
  v.value = *parse_hex("0646");
  int seen = 0;
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    ASSERT_TRUE(o.ok()) << o.detail;
    EXPECT_EQ(f.id, "heart-rate-sensor");
    EXPECT_EQ(o.reading.heart_rate_bpm, 70);
    ++seen;
  });
  EXPECT_EQ(seen, 1);
  v.value = *parse_hex("0446");  // contact supported, not detected
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor&, const DecodeOutcome& o) { EXPECT_EQ(o.status, DecodeStatus::not_stabilized); });
  v.characteristic = Uuid::from16(0xFF06);
  v.value = *parse_hex("e803");
  EXPECT_EQ(builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
    EXPECT_EQ(f.id, "xiaomi-mi-band-1");
    EXPECT_EQ(o.reading.steps, 1000);
  }), 1);
  v.characteristic = Uuid::from16(0xFF0C);
  v.value = *parse_hex("5a0f0b1f173b3a0c0002");
  EXPECT_EQ(builtin_registry().decode_gatt(v, [&](const DeviceDescriptor&, const DecodeOutcome& o) { EXPECT_EQ(o.reading.battery_percent, 90); }), 1);
  Advertisement adv;
  adv.address = MacAddress::parse("C8:0F:10:32:CA:B6");  // the seed's 1S
  auto claimed = builtin_registry().claimants(adv);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0]->id, "xiaomi-mi-band-1");
}

TEST(MiBandActivity, BlocksWithCounterAndHeartRateAreAcked) {
  CivilTime start{2016, 3, 1, 22, 0, 0};
  std::vector<ActivityMinute> minutes;
  for (int i = 0; i < 10; ++i) {
    ActivityMinute m;
    m.kind = static_cast<std::uint8_t>(i < 5 ? 4 : 5);
    m.intensity = static_cast<std::uint8_t>(i);
    m.steps = static_cast<std::uint8_t>(i * 2);
    if (i % 2 == 0) m.heart_rate = static_cast<std::uint8_t>(50 + i);
    minutes.push_back(m);
  }
  auto packets = build_activity_block(start, minutes, 10, /*counter=*/true, /*with_heart_rate=*/true);
  ASSERT_EQ(packets.size(), 1u + 3u);  // header + 40 bytes in 16-byte payloads
  EXPECT_EQ(to_hex(packets[0]), "01100201160000" "0a00" "0a00");
  ActivityFetch fetch(true, true);
  for (const auto& p : packets) ASSERT_FALSE(fetch.feed(p));
  auto got = fetch.take_minutes();
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got[0].time, start);
  EXPECT_EQ(got[9].time, (CivilTime{2016, 3, 1, 22, 9, 0}));
  EXPECT_EQ(got[4].heart_rate, 54);
  EXPECT_FALSE(got[5].heart_rate);
  EXPECT_EQ(got[9].steps, 18);
  auto acks = fetch.take_acks();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(to_hex(acks[0]), "0a1002011600002800");  // 10 minutes x 4 bytes = 40
  EXPECT_FALSE(fetch.feed(*parse_hex("0110020116000000000000")));  // empty block: the end
  EXPECT_TRUE(fetch.finished());
}

TEST(MiBandActivity, MinutesStraddlePacketsWithoutCounter) {
  CivilTime start{2016, 3, 1, 8, 0, 0};
  std::vector<ActivityMinute> minutes(15);
  for (std::size_t i = 0; i < minutes.size(); ++i) minutes[i].steps = static_cast<std::uint8_t>(i);
  auto packets = build_activity_block(start, minutes, 15, false, false);  // 45 bytes: 20+20+5
  ASSERT_EQ(packets.size(), 4u);
  ActivityFetch fetch(false, false);
  for (const auto& p : packets) ASSERT_FALSE(fetch.feed(p));
  auto got = fetch.take_minutes();
  ASSERT_EQ(got.size(), 15u);
  EXPECT_EQ(got[7].steps, 7);  // minute 7 straddles the first two packets
  EXPECT_EQ(fetch.take_acks().size(), 1u);
  // A packet past the announced block is an error, not silently dropped data.
  ActivityFetch f2(false, false);
  ASSERT_FALSE(f2.feed(packets[0]));
  ASSERT_FALSE(f2.feed(packets[1]));
  ASSERT_FALSE(f2.feed(packets[2]));
  EXPECT_TRUE(f2.feed(Bytes(20, 0)).has_value());
}
