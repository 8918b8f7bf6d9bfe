// The registry as a whole (the idea of openScale's ScaleFactoryTest): one
// synthetic advertisement per product, each claimed by exactly its family and
// nothing else; every family has a fixture; and bytes that match no device are
// rejected without any family being tried.
#include <set>

#include "device_test_util.hpp"

using namespace declouder;
using namespace declouder::test;

namespace {

struct Fixture {
  const char* product;
  std::set<std::string_view> families;  // who must claim it (more than one = a reported ambiguity)
  Advertisement adv;
};

Advertisement named(std::string name, std::initializer_list<std::uint16_t> services) {
  Advertisement adv;
  adv.name = std::move(name);
  for (auto s : services) adv.service_uuids.push_back(Uuid::from16(s));
  return adv;
}

Advertisement with_service_data(Advertisement adv, std::uint16_t uuid, std::string_view h) {
  adv.service_data.emplace_back(Uuid::from16(uuid), hex(h));
  return adv;
}

Advertisement with_manufacturer(Advertisement adv, std::uint16_t company, std::string_view h) {
  adv.manufacturer_data.emplace_back(company, hex(h));
  return adv;
}

std::vector<Fixture> fixtures() {
  return {
      {"Xiaomi Mi Scale v1", {"xiaomi-mi-scale"},
       with_service_data(named("MI SCALE2", {0x181D}), 0x181D, "62AC49E0070C140D1C04")},
      {"Xiaomi Mi Scale v1 (nameless advert)", {"xiaomi-mi-scale"},
       with_service_data(named("", {}), 0x181D, "223e30e607020e10293a")},
      {"Xiaomi Mi Body Composition Scale 2", {"xiaomi-mi-scale-2"},
       with_service_data(named("MIBFS", {0x181B}), 0x181B, "0226e607020e10293af7019a38")},
      {"unknown standard scale", {"bluetooth-sig-scale"}, named("Acme Scale 3000", {0x181D, 0x181B, 0x181C})},
      {"Beurer BF600", {"beurer-sanitas-standard"}, named("BF600", {0x181D, 0x181B, 0x181C})},
      {"Sanitas SBF72", {"beurer-sanitas-standard"}, named("SBF72", {0x181D})},
      {"Picooc Mini", {"picooc-mini"},
       with_manufacturer(named("PICOOC-CQ", {0xFFF0}), 10, "d049003fa15c")},
      {"Picooc Mini Lite", {"picooc-mini-lite"},
       with_manufacturer(named("PICOOC-L", {}), 0x49D0, "004b4f1e391f0676136087200040")},
      {"Crenot Gofit S2", {"icomon-ffb0"}, named("Crenot Gofit S2", {0xFFB0})},
      {"ICOMON FG2211", {"drtrust-ssw532"}, named("FG2211", {0xFFB0})},
      {"Dr. Trust SSW532", {"drtrust-ssw532"}, named("SSW532", {0xFFB0})},
      {"Swan (MGB)", {"mgb"}, named("Swan", {0xFFB0})},
      {"nameless 0xFFB0 scale", {"icomon-ffb0", "mgb"}, named("", {0xFFB0})},
      {"Renpho QN-Scale (type 1)", {"qn-scale"}, named("QN-Scale", {0xFFE0})},
      {"Renpho-Scale (type 2)", {"qn-scale"}, named("Renpho-Scale", {0xFFF0})},
      {"QN firmware with 0xAE00", {"qn-scale"}, named("", {0xAE00, 0xFFF0})},
      {"FITINDEX FT-26R-W", {"qn-broadcast"},
       with_manufacturer(named("", {}), 0xFFFF, "aabb00005e00530172000000ffffff1500761b510e032300")},
      {"Yunmai Mini", {"yunmai"}, named("YUNMAI-ISM2-W", {0xFFE0, 0xFFE5})},
      {"1byone Health Scale", {"1byone"}, named("Health Scale", {0xFFF0})},
      {"Eufy C1", {"1byone"}, named("eufy T9146", {0xFFF0})},
      {"Excelvan CF369BLE", {"excelvan-cf36x"}, named("Electronic Scale", {0xFFF0})},
      {"Medisana BS444", {"medisana-bs44x"}, named("0202B6FF1234", {0x78B2})},
      {"Medisana BS430 (name only)", {"medisana-bs44x"}, named("0203B0001", {})},
      {"Chipsea OKOK V20", {"chipsea-okok"},
       with_manufacturer(named("Chipsea-BLE", {}), 0x20CA, "11223344556605001c4d138898aabbccddeeff")},
      {"nameless OKOK C0", {"chipsea-okok"},
       with_manufacturer(named("", {}), 0x12C0, "02d50000000001000000000000")},
      // Families from the wearables work, so every registry entry keeps a fixture.
      {"Xiaomi Mi Band 1S", {"xiaomi-mi-band-1"}, named("MI1S", {0xFEE0})},
      {"heart-rate chest strap", {"heart-rate-sensor"}, named("Polar H10 1234", {0x180D})},
  };
}

}  // namespace

TEST(Registry, EveryFixtureIsClaimedByExactlyItsFamilies) {
  for (const Fixture& fx : fixtures()) {
    std::set<std::string_view> got;
    for (const DeviceDescriptor* f : builtin_registry().claimants(fx.adv)) got.insert(f->id);
    EXPECT_EQ(got, fx.families) << fx.product;
  }
}

TEST(Registry, EveryBluetoothDeviceHasAFixture) {
  // A device with a simulator has one already: descriptors_test checks that its simulator's
  // advertisement is claimed by it alone.
  std::set<std::string_view> covered;
  for (const Fixture& fx : fixtures()) covered.insert(fx.families.begin(), fx.families.end());
  for (const DeviceDescriptor* f : builtin_registry().devices())
    if (f->simulator) covered.insert(f->id);
  for (const DeviceDescriptor* f : builtin_registry().devices())
    if (f->link != LinkMode::serial) {
      EXPECT_TRUE(covered.count(f->id)) << f->id << " has no fixture";
    }
}

TEST(Registry, BroadcastFixturesDecodeToTheirFamily) {
  for (const Fixture& fx : fixtures()) {
    if (fx.families.size() != 1) continue;
    const DeviceDescriptor* fam = builtin_registry().find(*fx.families.begin());
    ASSERT_TRUE(fam);
    if (fam->link != LinkMode::advertisement) continue;
    int readings = builtin_registry().decode_advertisement(fx.adv, [&](const DeviceDescriptor& f, const DecodeOutcome& o) {
      if (o.ok()) {
        EXPECT_EQ(f.id, fam->id) << fx.product;
        EXPECT_STREQ(o.reading.model, fam->id.data()) << fx.product;
      }
    });
    EXPECT_EQ(readings, 1) << fx.product;
  }
}

TEST(Registry, FamiliesDescribeThemselves) {
  std::set<std::string_view> ids;
  for (const DeviceDescriptor* f : builtin_registry().devices()) {
    EXPECT_TRUE(ids.insert(f->id).second) << "duplicate id " << f->id;
    EXPECT_FALSE(f->name.empty()) << f->id;
    EXPECT_FALSE(f->recognised_by.empty()) << f->id;
    EXPECT_FALSE(f->reports.empty()) << f->id;
    if (f->link != LinkMode::serial) {
      EXPECT_TRUE(f->claims || f->claims_company) << f->id << " cannot be recognised";
    }
    if (f->link == LinkMode::advertisement) {
      EXPECT_TRUE(f->decode_advert) << f->id;
    }
    if (f->link == LinkMode::gatt) {
      EXPECT_TRUE(f->decode_gatt) << f->id;
      EXPECT_FALSE(f->gatt_characteristics.empty() && f->gatt_uuids.empty()) << f->id;  // 16- or 128-bit
    }
    EXPECT_EQ(builtin_registry().find(f->id), f);
  }
  EXPECT_GE(builtin_registry().devices().size(), 15u);
}

TEST(Registry, AdvertMatchingNoDeviceIsRejectedWithoutTryingAnyFamily) {
  // An iBeacon-like advert: Apple company id, an unrelated service data UUID.
  Advertisement adv = named("iPhone", {0xFD6F});
  adv = with_manufacturer(adv, 0x004C, "0215f7826da64fa24e988024bc5b71e0893e");
  adv = with_service_data(adv, 0xFE9F, "0000000000000000");
  int tried = 0;
  EXPECT_EQ(builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor&, const DecodeOutcome&) { ++tried; }), 0);
  EXPECT_EQ(tried, 0);
  EXPECT_TRUE(builtin_registry().claimants(adv).empty());
}

TEST(Registry, GarbageOnAKnownUuidIsRejectedWithAReason) {
  Advertisement adv = with_service_data(named("", {}), 0x181B, "00");
  std::vector<DecodeOutcome> outcomes;
  EXPECT_EQ(builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor&, const DecodeOutcome& o) { outcomes.push_back(o); }), 0);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, DecodeStatus::wrong_length);
  EXPECT_STRNE(outcomes[0].detail, "");
}

TEST(Registry, UnknownCharacteristicIsNotOfferedToAnyFamily) {
  GattValue v;
  v.characteristic = Uuid::from16(0x2A00);  // device name
  v.value = hex("4142");
  int tried = 0;
  EXPECT_EQ(builtin_registry().decode_gatt(v, [&](const DeviceDescriptor&, const DecodeOutcome&) { ++tried; }), 0);
  EXPECT_EQ(tried, 0);
}

TEST(Registry, NameDecidesBetweenFamiliesSharingACharacteristic) {
  // 0xFFF4 is used by 1byone and Excelvan; with the name, only Excelvan is tried.
  GattValue v;
  v.characteristic = Uuid::from16(0xFFF4);
  v.value = hex("cf00000002d500eb1e017e0802260690");
  v.device_name = "Electronic Scale";
  std::vector<std::string_view> tried;
  builtin_registry().decode_gatt(v, [&](const DeviceDescriptor& f, const DecodeOutcome&) { tried.push_back(f.id); });
  EXPECT_EQ(tried, std::vector<std::string_view>{"excelvan-cf36x"});
}

TEST(Registry, HuamiAndOtherFee0DevicesAreNoMiBand1) {
  // 0xFEE0 is Huami's service on every band after the first, and others reuse it.
  for (const char* name : {"Amazfit Bip", "Mi Band 3", "Keep S3"}) {
    Advertisement adv;
    adv.name = name;
    adv.service_uuids = {Uuid::from16(0xFEE0)};
    for (const DeviceDescriptor* d : builtin_registry().claimants(adv)) EXPECT_NE(d->id, "xiaomi-mi-band-1") << name;
  }
  Advertisement broadcast;  // service data under 0xFEE0 (an Amazfit's steps broadcast)
  broadcast.service_uuids = {Uuid::from16(0xFEE0)};
  broadcast.service_data = {{Uuid::from16(0xFEE0), Bytes{0x10, 0x27, 0x00, 0x00}}};
  for (const DeviceDescriptor* d : builtin_registry().claimants(broadcast)) EXPECT_NE(d->id, "xiaomi-mi-band-1");
  // A value on 0xFF01 that is not the band's device info is not the band's.
  EXPECT_EQ(gatt("xiaomi-mi-band-1", 0xFF01, "a5020b10002301").status, DecodeStatus::not_this_device);
}
