// Hesley body-fat scale ("YunChen"): asked over GATT; the scale computes its own metrics.
//
// Service 0xFFF0: 0xFFF1 write (the app's command), 0xFFF4 notify (the result).
// The app subscribes and writes A5 01 2C AB 50 5A 29; the scale notifies its result as one
// 20-byte frame (u16 BE):
//   2-3    weight, kg x 100
//   4-5    fat %, x 10          8-9   water %, x 10
//   10-11  muscle x 10 (not decoded: openScale reads it as a percentage of unclear kind)
//   12-13  bone, kg x 10
// Nothing else in the frame is decoded. It carries no stable flag: the scale sends it once the
// weighing is done. Its fat, water and bone are kept as the scale's own metrics.
// Nor does it carry a signature: any 20-byte value on 0xFFF4 fits it (a Koogeek S1's init frame
// would read as 219.3 kg, two coalesced 1byone frames as another weight), so a value is taken for
// a Hesley result only from a device named YunChen.
//
// No public capture was found; the tests use frames built from this layout and every frame of
// ble-scale-sync's tests/scales/hesley.test.ts (constructed by its authors, not captured).
// Sources: openScale scales/HesleyHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "hesley";
const Uuid kService = Uuid::from16(0xFFF0), kCommand = Uuid::from16(0xFFF1), kResult = Uuid::from16(0xFFF4);
const Bytes kStart{0xA5, 0x01, 0x2C, 0xAB, 0x50, 0x5A, 0x29};

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kResult) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF4");
  if (!decode_util::equals_ci(v.device_name, "YunChen"))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "Hesley frames have no signature: only a device named YunChen");
  const Bytes& b = v.value;
  if (b.size() != 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Hesley results are 20 bytes");
  const std::uint16_t raw = be16(&b[2]);
  if (raw == 0 || raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 100.0;
  r.stabilized = true;
  const double fat = be16(&b[4]) / 10.0, water = be16(&b[8]) / 10.0, bone = be16(&b[12]) / 10.0;
  if (fat > 0 && fat < 80) r.add_device_metric("fat_percent", fat);
  if (water > 0 && water < 90) r.add_device_metric("water_percent", water);
  if (bone > 0 && bone < 10) r.add_device_metric("bone_kg", bone);
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "YunChen"); }

Conversation conversation(const ConversationContext&) {
  ReadingConversation c;
  c.name = kModel;
  c.notify = kResult;
  c.requests = {{kCommand, kStart}};
  c.decode = decode_gatt;
  return reading_conversation(c);
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "hesley";
  s.name = "YunChen";
  s.default_address = "A4:C1:38:E5:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kCommand, kWrite, {}}, {kResult, kNotify, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommand || v != kStart) return out;
    Bytes f{0x00, 0x00};
    put_u16be(f, static_cast<std::uint16_t>(std::lround(o.weight_kg * 100)));
    put_u16be(f, 224);  // 22.4 % fat
    put_u16be(f, 0);
    put_u16be(f, 551);  // 55.1 % water
    put_u16be(f, 402);
    put_u16be(f, 31);   // 3.1 kg bone
    f.resize(20, 0);
    out.push_back({std::chrono::milliseconds(1500), kResult, f});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kHesley = {
    .id = kModel,
    .name = "Hesley body-fat scale (YunChen)",
    .manufacturer = "Hesley",
    .names = {"YunChen"},
    .recognised_by = "name YunChen; service 0xFFF0, a 20-byte result on 0xFFF4",
    .reports = {"weight_kg", "fat_percent", "water_percent", "bone_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF4},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "A5 01 2C AB 50 5A 29 on FFF1; the 20-byte result on FFF4",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "hesley",
        .summary = "Hesley (YunChen): a 20-byte result on FFF4 once started",
        .create = simulator,
    },
};

}  // namespace declouder
