// Chipsea OKOK broadcast frames (layout of research §2.10; no public capture,
// so frames are built from the layout with hand-computed XOR checksums).
#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {
DecodeOutcome okok(std::uint16_t company, std::string_view h, std::string name = "") {
  return advert("chipsea-okok", manufacturer_advert(company, h, std::move(name)));
}

// The devices that say an advert is theirs (what `declouder scan` names it by).
std::vector<std::string> claimed_by(const Advertisement& a) {
  std::vector<std::string> ids;
  for (const DeviceDescriptor* d : builtin_registry().devices())
    if (d->claims && d->claims(a)) ids.push_back(d->id);
  return ids;
}
}  // namespace

TEST(ChipseaOkok, V20FinalWithImpedance) {
  // flags 05: final, /100; 0x1C4D = 72.45 kg; 0x1388 / 10 = 500 ohm; checksum 0x98
  auto o = okok(0x20CA, "11223344556605001c4d138898aabbccddeeff");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_DOUBLE_EQ(*o.reading.weight_kg, 72.45);
  EXPECT_EQ(o.reading.impedance_ohm, 500.0);
  EXPECT_TRUE(o.reading.stabilized);
}

TEST(ChipseaOkok, V20LiveIsNotStabilized) {
  auto o = okok(0x20CA, "11223344556604001c4d138899aabbccddeeff");
  ASSERT_TRUE(o.ok()) << o.detail;
  EXPECT_FALSE(o.reading.stabilized);
}

TEST(ChipseaOkok, V11KgAndPounds) {
  auto kg = okok(0x11CA, "00000002d500000000000000000000000c000000000000");  // 725 / 10
  ASSERT_TRUE(kg.ok()) << kg.detail;
  EXPECT_DOUBLE_EQ(*kg.reading.weight_kg, 72.5);
  auto lb = okok(0x11CA, "0000003e80000000001400000000000071000000000000");  // 16000 / 100 lb
  ASSERT_TRUE(lb.ok()) << lb.detail;
  EXPECT_EQ(lb.reading.unit, WeightUnit::lb);
  EXPECT_NEAR(*lb.reading.weight_kg, 160 * 0.45359237, 1e-9);
}

TEST(ChipseaOkok, C0KgAndStonesPounds) {
  auto kg = okok(0x12C0, "02d50000000001000000000000");
  ASSERT_TRUE(kg.ok()) << kg.detail;
  EXPECT_DOUBLE_EQ(*kg.reading.weight_kg, 72.5);
  EXPECT_TRUE(kg.reading.stabilized);
  auto st = okok(0x34C0, "0b320000000019000000000000");  // 11 st + 50/10 lb = 159 lb
  ASSERT_TRUE(st.ok()) << st.detail;
  EXPECT_EQ(st.reading.unit, WeightUnit::st);
  EXPECT_NEAR(*st.reading.weight_kg, 159 * 0.45359237, 1e-9);
}

TEST(ChipseaOkok, Rejects) {
  EXPECT_EQ(okok(0x20CA, "11223344556605001c4d138899aabbccddeeff").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(okok(0x20CA, "11223344556605001c4d1388").status, DecodeStatus::wrong_length);
  EXPECT_EQ(okok(0x11CA, "00000002d500000000000000000000000d000000000000").status, DecodeStatus::bad_checksum);
  EXPECT_EQ(okok(0x11CA, "00000002d5").status, DecodeStatus::wrong_length);
  EXPECT_EQ(okok(0x12C0, "02d500000000").status, DecodeStatus::wrong_length);
  EXPECT_EQ(okok(0x12C0, "00000000000001000000000000").status, DecodeStatus::invalid_value);
  // Company 0x1234 is none of the OKOK shapes: never offered.
  EXPECT_STREQ(okok(0x1234, "11223344556605001c4d138898aabbccddeeff").detail, "family not tried by the registry");
}

TEST(ChipseaOkok, XiaoguiC0FramesKeepTheirImpedance) {
  // Real Xiaogui TZC4 and MaxxMee QJ-J advertisements (ble_monitor test_xiaogui_parser.py):
  // company C0A3 (its high byte a frame counter), then weight, impedance, control, attributes.
  auto tzc4 = okok(0xA3C0, "0276138b0002215f5a29e5e094");
  ASSERT_TRUE(tzc4.ok()) << tzc4.detail;
  EXPECT_DOUBLE_EQ(*tzc4.reading.weight_kg, 63.0);
  EXPECT_DOUBLE_EQ(*tzc4.reading.impedance_ohm, 500.3);
  EXPECT_TRUE(tzc4.reading.stabilized);
  auto settling = okok(0x5DC0, "008c00000002205f5a29e5e094");
  ASSERT_TRUE(settling.ok()) << settling.detail;
  EXPECT_DOUBLE_EQ(*settling.reading.weight_kg, 14.0);
  EXPECT_FALSE(settling.reading.stabilized);
  EXPECT_FALSE(settling.reading.impedance_ohm);
  auto qjj = okok(0x7DC0, "2c4700000a01255f5a29e5e094");
  ASSERT_TRUE(qjj.ok()) << qjj.detail;
  EXPECT_DOUBLE_EQ(*qjj.reading.weight_kg, 113.35);
  EXPECT_FALSE(qjj.reading.impedance_ohm);
}

TEST(ChipseaOkok, AC0FrameFromAnotherAddressIsNotAWeighing) {
  // The C0 frame's only guard is the MAC it carries, which is the sender's in ble_monitor's real
  // Xiaogui adverts (its xiaogui.py refuses any other).
  Advertisement a = manufacturer_advert(0xA3C0, "0276138b0002215f5a29e5e094");
  a.address = MacAddress::parse("5F:5A:29:E5:E0:94");
  DecodeOutcome own = advert("chipsea-okok", a);
  ASSERT_TRUE(own.ok()) << own.detail;
  EXPECT_DOUBLE_EQ(*own.reading.weight_kg, 63.0);
  a.address = MacAddress::parse("5F:5A:29:E5:E0:95");
  EXPECT_EQ(advert("chipsea-okok", a).status, DecodeStatus::not_this_device);

  // A Yunmai X whose address ends in C0 (its company id is its address): its frame is its own.
  Advertisement yunmai = manufacturer_advert(0xABC0, "12eeff340b741704031f4001f4ad");
  yunmai.address = MacAddress::parse("34:FF:EE:12:AB:C0");
  EXPECT_EQ(advert("chipsea-okok", yunmai).status, DecodeStatus::not_this_device);
  std::vector<std::string> decoded;
  builtin_registry().decode_advertisement(yunmai, [&](const DeviceDescriptor& d, const DecodeOutcome& o) {
    if (o.ok()) decoded.push_back(d.id);
  });
  EXPECT_EQ(decoded, std::vector<std::string>{"yunmai-x"});
}

// The VF0 frames of openScale issue #930: three real adverts of the reporter's "Chipsea-BLE"
// scale, with the weights the scale showed. Only bytes 2-3 change; the tail is its MAC.
TEST(ChipseaOkokVf0, TheReportedAdvertsAreTheWeightsTheScaleShowed) {
  const std::pair<const char*, double> reported[] = {{"0204db03000000000000000050fb19c01c6d", 98.7},
                                                    {"02047804000000000000000050fb19c01c6d", 114.4},
                                                    {"0204d703000000000000000050fb19c01c6d", 98.3}};
  for (const auto& [hex, kg] : reported) {
    Advertisement a = manufacturer_advert(0xF0FF, hex, "Chipsea-BLE");
    a.address = MacAddress::parse("50:FB:19:C0:1C:6D");
    std::vector<std::string> decoded;
    builtin_registry().decode_advertisement(a, [&](const DeviceDescriptor& d, const DecodeOutcome& o) {
      if (!o.ok()) return;
      decoded.push_back(d.id);
      EXPECT_DOUBLE_EQ(*o.reading.weight_kg, kg) << hex;
      EXPECT_TRUE(o.reading.stabilized) << hex;  // no flag: the scale broadcasts its locked weight
      EXPECT_FALSE(o.reading.impedance_ohm);
    });
    EXPECT_EQ(decoded, std::vector<std::string>{"chipsea-okok-vf0"}) << hex;
    // The scale is the VF0 family's, not the name-matched chipsea-okok's.
    EXPECT_EQ(claimed_by(a), std::vector<std::string>{"chipsea-okok-vf0"});
  }
}

TEST(ChipseaOkokVf0, ANamelessScaleIsKnownByTheAddressItsFrameCarries) {
  Advertisement a = manufacturer_advert(0xF0FF, "0204db03000000000000000050fb19c01c6d");
  a.address = MacAddress::parse("50:FB:19:C0:1C:6D");
  EXPECT_EQ(claimed_by(a), std::vector<std::string>{"chipsea-okok-vf0"});
  a.address = MacAddress::parse("50:FB:19:C0:1C:6E");
  EXPECT_TRUE(claimed_by(a).empty());
}

TEST(ChipseaOkokVf0, WithoutChecksumItsShapeAndAddressAreItsGuards) {
  auto vf0 = [](std::string_view hex, const char* address = "50:FB:19:C0:1C:6D") {
    Advertisement a = manufacturer_advert(0xF0FF, hex, "Chipsea-BLE");
    a.address = MacAddress::parse(address);
    return advert("chipsea-okok-vf0", a);
  };
  // Another device's address at the tail: not this scale's weighing.
  EXPECT_EQ(vf0("0204db03000000000000000050fb19c01c6d", "50:FB:19:C0:1C:6E").status, DecodeStatus::not_this_device);
  // Any other 0xF0FF advert: not a VF0 frame.
  EXPECT_EQ(vf0("0304db03000000000000000050fb19c01c6d").status, DecodeStatus::not_this_device);
  EXPECT_EQ(vf0("0204db030000000000000050fb19c01c6d").status, DecodeStatus::wrong_length);
  EXPECT_EQ(vf0("0204000000000000000000000050fb19c01c6d").status, DecodeStatus::wrong_length);
  EXPECT_EQ(vf0("02040000000000000000000050fb19c01c6d").status, DecodeStatus::invalid_value);
}
