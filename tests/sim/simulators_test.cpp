// The simulators, checked against the protocol facts and the decoders, on a virtual clock
// (SimulatorLink): no bus, no timing.
#include <gtest/gtest.h>

#include "devices/registry.hpp"
#include "link/simulator_link.hpp"

namespace declouder {
namespace {

std::unique_ptr<SimulatedDevice> make(std::string_view name, double kg = 72.35, double ohm = 480) {
  const DeviceSimulator* info = builtin_registry().find_simulator(name);
  EXPECT_NE(info, nullptr) << name;
  SimOptions o;
  o.weight_kg = kg;
  o.impedance_ohm = ohm;
  return info->create(o);
}

TEST(Simulators, RegistryListsEverySupportedBleDevice) {
  for (auto name : {"mi-scale", "mi-scale-2", "picooc-mini", "crenot-gofit-s2", "sig-scale"}) {
    const DeviceSimulator* info = builtin_registry().find_simulator(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(info->create({})->kind(), name);
  }
  EXPECT_EQ(builtin_registry().find_simulator("no-such-device"), nullptr);
}

TEST(Simulators, EveryAdvertFitsLegacyAdvertising) {
  // 31 bytes: flags (3) + name + service data + manufacturer data + 16-bit UUID list.
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->simulator) continue;
    const DeviceSimulator& info = *d->simulator;
    SimulatorLink link(info.create({}));
    link.advance(std::chrono::seconds(1));
    AdvertData a = info.create({})->advert();
    std::size_t size = 3 + (a.name.empty() ? 0 : 2 + a.name.size());
    for (const auto& [u, d] : a.service_data) size += 2 + 2 + d.size();
    for (const auto& [id, d] : a.manufacturer_data) size += 2 + 2 + d.size();
    if (!a.service_uuids.empty()) size += 2 + 2 * a.service_uuids.size();
    EXPECT_LE(size, 31u) << info.name;
  }
}

TEST(MiScale2Simulator, WeighingClimbsSettlesMeasuresImpedanceThenIsRemoved) {
  SimulatorLink link(make("mi-scale-2", 72.35, 480));
  link.advance(std::chrono::seconds(5));
  std::vector<Reading> readings;
  for (const auto& sent : link.adverts()) {
    Advertisement adv;
    adv.name = sent.data.name;
    adv.service_data = sent.data.service_data;
    builtin_registry().decode_advertisement(adv, [&](const DeviceDescriptor&, const DecodeOutcome& o) {
      ASSERT_TRUE(o.ok()) << o.detail;
      readings.push_back(o.reading);
    });
  }
  ASSERT_GT(readings.size(), 20u);
  EXPECT_EQ(link.adverts().front().data.name, "MIBFS");
  // Not stabilized while climbing, weights rising.
  EXPECT_FALSE(readings[0].stabilized);
  EXPECT_LT(*readings[0].weight_kg, 72.35);
  // Each frame is repeated, as real scales do.
  EXPECT_EQ(link.adverts()[0].data.service_data, link.adverts()[1].data.service_data);
  // Then stabilized at the weight; impedance only once measured; then removed.
  bool stable = false, impedance = false, removed = false;
  for (const auto& r : readings) {
    if (r.stabilized && !r.impedance_ohm && !r.load_removed) {
      stable = true;
      EXPECT_DOUBLE_EQ(*r.weight_kg, 72.35);
    }
    if (r.impedance_ohm) {
      EXPECT_TRUE(stable) << "impedance before the weight settled";
      EXPECT_DOUBLE_EQ(*r.impedance_ohm, 480);
      impedance = true;
    }
    if (r.load_removed) {
      EXPECT_TRUE(impedance);
      removed = true;
    }
  }
  EXPECT_TRUE(stable && impedance && removed);
}

TEST(PicoocSimulator, AnswersTheSeedRequestWithTheSeedFrame) {
  // seeds/000: request F1 09 3A 65 F7 4B A2 A5 00 -> 39 0D 65 F7 4B A5 06 56 15 04 86 FC 00
  // (81.1 kg, 538.0 ohm, stamped 0x65F74BA5).
  SimulatorLink link(make("picooc-mini", 81.1, 538.0), 0x65F74BA5);
  link.connect(std::chrono::seconds(1));
  link.subscribe(Uuid::from16(0xFFF1));
  link.write(Uuid::from16(0xFFF2), *parse_hex("f1093a65f74ba2a500"), WriteMode::without_response);
  auto v = link.next_value(GattLink::Clock::now() + std::chrono::seconds(1));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->characteristic, Uuid::from16(0xFFF1));
  EXPECT_EQ(to_hex(v->value), "390d65f74ba50656150486fc00");
  // The request characteristic takes writes without response only, as the real one.
  EXPECT_THROW(link.write(Uuid::from16(0xFFF2), Bytes{0xF1}, WriteMode::with_response), BleError);
}

TEST(PicoocSimulator, AdvertisesLikeTheSeedScan) {
  auto dev = make("picooc-mini");
  AdvertData a = dev->advert();
  EXPECT_EQ(a.name, "PICOOC-CQ");
  ASSERT_EQ(a.service_uuids.size(), 1u);
  EXPECT_EQ(a.service_uuids[0], Uuid::from16(0xFFF0));
  ASSERT_EQ(a.manufacturer_data.size(), 1u);
  EXPECT_EQ(a.manufacturer_data[0].first, 0x000A);  // the seed: {10: [the MAC]}
  const MacAddress mac = dev->address();
  EXPECT_EQ(a.manufacturer_data[0].second, Bytes(mac.bytes.begin(), mac.bytes.end()));
}

TEST(CrenotSimulator, LiveFramesThenAResultWithValidChecksums) {
  SimulatorLink link(make("crenot-gofit-s2", 80.25, 512));
  link.connect(std::chrono::seconds(1));
  link.subscribe(Uuid::from16(0xFFB2));
  link.subscribe(Uuid::from16(0xFFB3));
  std::vector<GattValue> values;
  while (auto v = link.next_value(GattLink::Clock::now() + std::chrono::seconds(5))) values.push_back(*v);
  ASSERT_GE(values.size(), 4u);
  int live = 0, results = 0;
  for (const auto& v : values) {
    ASSERT_EQ(v.value.size(), 20u);
    unsigned sum = 0;
    for (int i = 3; i <= 18; ++i) sum += v.value[i];
    EXPECT_EQ(sum & 0x1F, v.value[19]) << to_hex(v.value);
    if (v.value[3] == 0xA2) {
      EXPECT_EQ(v.characteristic, Uuid::from16(0xFFB2));
      ++live;
    }
    if (v.value[3] == 0xA3) {
      EXPECT_EQ(v.characteristic, Uuid::from16(0xFFB3));
      EXPECT_EQ((v.value[5] << 16) | (v.value[6] << 8) | v.value[7], 80250);
      EXPECT_EQ((v.value[9] << 8) | v.value[10], 512);
      ++results;
    }
  }
  EXPECT_GE(live, 3);
  EXPECT_EQ(results, 1);
  // The last live frame before the result says "stable".
  EXPECT_EQ(values[values.size() - 2].value[4], 0x02);
}

}  // namespace
}  // namespace declouder
