// Every descriptor tells the truth about its device: a conversation it declares really gets a
// reading from the device's simulator, a simulator it names is heard as that device, and the
// readings hold nothing the descriptor does not say it reports. What `declouder devices`
// prints comes from these descriptors, so this is what keeps that listing honest.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "devices/registry.hpp"
#include "link/simulator_link.hpp"

namespace declouder {
namespace {

// The reading keys a reading fills (the names `decode --json` prints and `reports` lists).
std::set<std::string> keys_of(const Reading& r) {
  std::set<std::string> k;
  if (r.weight_kg) k.insert("weight_kg");
  if (r.impedance_ohm) k.insert("impedance_ohm");
  if (r.impedance_low_ohm) k.insert("impedance_low_ohm");
  if (r.impedance_high_ohm) k.insert("impedance_high_ohm");
  if (r.profile_id) k.insert("profile_id");
  if (r.heart_rate_bpm) k.insert("heart_rate_bpm");
  if (r.battery_percent) k.insert("battery_percent");
  if (r.user_slot) k.insert("user_slot");
  if (r.steps) k.insert("steps");
  if (r.device_time) k.insert("device_time");
  for (std::uint8_t i = 0; i < r.device_metric_count; ++i) k.insert(r.device_metrics[i].name);
  return k;
}

void expect_reported(const DeviceDescriptor& d, const Reading& r) {
  EXPECT_STREQ(r.model, d.id.c_str()) << "a reading of " << d.id << " names another device";
  for (const std::string& key : keys_of(r))
    EXPECT_NE(std::find(d.reports.begin(), d.reports.end(), key), d.reports.end())
        << d.id << " fills '" << key << "' but does not list it in `reports`";
}

SimOptions body() {
  SimOptions o;
  o.weight_kg = 77.7;
  o.impedance_ohm = 501;
  o.heart_rate_bpm = 64;
  return o;
}

TEST(Descriptors, EveryConversationGetsAReadingFromItsDevicesSimulator) {
  int tried = 0;
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->conversation || !d->simulator) continue;
    SimulatorLink link(d->simulator->create(body()));
    link.advance(std::chrono::seconds(2));  // a Mi scale makes a weighing of its own to keep
    const Advertisement advert = heard_advertisement(link.device().advert(), link.device().address());
    ASSERT_EQ(builtin_registry().conversation_for(advert), d)
        << d->id << "'s simulator is not recognised as the device with its conversation";
    ConversationContext context;
    context.advert = advert;
    context.unix_now = link.unix_now();
    SessionRunner runner(link);
    const SessionResult r = runner.run(d->conversation->build(context));
    ASSERT_FALSE(r.readings.empty()) << d->id << ": the conversation gave no reading";
    for (const EmittedReading& e : r.readings) expect_reported(*d, e.reading);
    ++tried;
  }
  EXPECT_GE(tried, 11);
}

TEST(Descriptors, EveryBroadcastingSimulatorIsHeardAsItsDevice) {
  int tried = 0;
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->listens() || !d->simulator) continue;
    SimulatorLink link(d->simulator->create(body()));
    bool stabilized = false;
    for (int step = 0; step < 200 && !stabilized; ++step) {  // 20 s of its timeline
      link.advance(std::chrono::milliseconds(100));
      Advertisement a = heard_advertisement(link.device().advert(), link.device().address());
      a.bindkey = link.device().bindkey();  // the key its owner holds (encrypted adverts)
      builtin_registry().decode_advertisement(a, [&](const DeviceDescriptor& by, const DecodeOutcome& o) {
        if (!o.ok()) return;
        EXPECT_EQ(&by, d) << d->id << "'s simulator was decoded by " << by.id;
        expect_reported(*d, o.reading);
        stabilized |= o.reading.stabilized;
      });
    }
    EXPECT_TRUE(stabilized) << d->id << ": its simulator never broadcast a stabilized weighing";
    ++tried;
  }
  EXPECT_GE(tried, 2);
}

TEST(Descriptors, ASimulatorsAdvertisementIsClaimedByItsDeviceAlone) {
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->simulator) continue;
    auto device = d->simulator->create(body());
    const auto claimants = builtin_registry().claimants(heard_advertisement(device->advert(), device->address()));
    ASSERT_EQ(claimants.size(), 1u) << d->id << "'s simulator is claimed by " << claimants.size() << " devices";
    EXPECT_EQ(claimants.front(), d) << d->id << "'s simulator is claimed by " << claimants.front()->id;
  }
}

TEST(Descriptors, AGattDeviceEitherConversesOrIsListedAsDecodeOnly) {
  // `devices` says "decode only" for these: the honest list the scales issue works down.
  std::set<std::string> decode_only;
  for (const DeviceDescriptor* d : builtin_registry().devices())
    if (d->link == LinkMode::gatt && !d->converses()) decode_only.insert(d->id);
  // The Mi Band is talked to by `declouder miband` (a tap to pair), not by `read` and `run`.
  EXPECT_EQ(decode_only, (std::set<std::string>{"xiaomi-mi-band-1"}));
}

TEST(Descriptors, EveryDeviceNamesItsMaker) {
  // Home Assistant shows it as the device's manufacturer: said, not guessed from the name's
  // first word (that fallback is for definition files without the key).
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    EXPECT_FALSE(d->manufacturer.empty()) << d->id << ": set .manufacturer (or kVariousMakers)";
    if (d->manufacturer != kVariousMakers) EXPECT_EQ(manufacturer_of(*d), d->manufacturer) << d->id;
  }
  EXPECT_EQ(manufacturer_of(*builtin_registry().find("xiaomi-mi-scale-2")), "Xiaomi");
  EXPECT_EQ(manufacturer_of(*builtin_registry().find("bluetooth-sig-scale")), "");
  DeviceDescriptor unsaid{.id = "acme", .name = "ICOMON/Lefu scales"};
  EXPECT_EQ(manufacturer_of(unsaid), "ICOMON");
}

TEST(Descriptors, TheNamesADeviceListsAreOnesItClaims) {
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    for (const std::string& name : d->names) {
      Advertisement a;
      a.name = name;
      bool claimed = d->claims(a);
      // Some claim a name only beside the service they advertise it with.
      for (std::uint16_t service : {0xFFE0, 0xFFF0, 0xFFB0}) {
        a.service_uuids = {Uuid::from16(service)};
        claimed = claimed || d->claims(a);
      }
      EXPECT_TRUE(claimed) << d->id << " lists the name '" << name << "' but does not claim it";
    }
  }
}

TEST(Descriptors, SimulatorNamesAreUniqueAndFound) {
  std::set<std::string> names;
  for (const DeviceDescriptor* d : builtin_registry().devices()) {
    if (!d->simulator) continue;
    EXPECT_TRUE(names.insert(d->simulator->name).second) << "two devices simulate as " << d->simulator->name;
    EXPECT_EQ(builtin_registry().find_simulator(d->simulator->name), &*d->simulator);
    EXPECT_EQ(d->simulator->create({})->kind(), d->simulator->name);
  }
  EXPECT_EQ(builtin_registry().find_simulator("no-such-device"), nullptr);
}

TEST(Descriptors, ARegistryOfChosenDevicesDispatchesOnlyToThem) {
  // What a command given only some devices (or definition files) builds.
  const DeviceDescriptor* mi2 = builtin_registry().find("xiaomi-mi-scale-2");
  ASSERT_NE(mi2, nullptr);
  DeviceRegistry only({mi2});
  Advertisement a;  // a Mi Scale v1 weighing (94.30 kg, the openScale wiki's frame)
  a.service_data.emplace_back(Uuid::from16(0x181D), *parse_hex("62AC49E0070C140D1C04"));
  ASSERT_EQ(builtin_registry().decode_advertisement(a, {}), 1);
  EXPECT_EQ(only.decode_advertisement(a, {}), 0) << "a Mi Scale v1 advert reached a registry without that device";
  EXPECT_EQ(only.find("xiaomi-mi-scale"), nullptr);
  EXPECT_EQ(only.devices().size(), 1u);
}

}  // namespace
}  // namespace declouder
