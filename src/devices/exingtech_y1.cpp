// Exingtech Y1 ("VScale"): asked over GATT; the scale computes its own metrics.
//
// Vendor service f433bd80-75b8-11e2-97d9-0002a5d5c51b: notify 1a2ea400-75b9-11e2-be05-0002a5d5c51b,
// write 29f11080-75b9-11e2-8bf6-0002a5d5c51b.
// The app subscribes and writes the person: 10 <user id> <sex: 0 male, 1 female> <age> <height cm>.
// The scale notifies 20-byte frames (u16 BE, x 10):
//   4-5 weight kg, 6-7 fat % (FF xx while it is still measuring), 8-9 water %, 10-11 bone kg,
//   12-13 muscle (not decoded: openScale reads it as a percentage of unclear kind), 14 visceral fat index
// A frame whose fat is measured is the result; its fat, water, bone and visceral fat are kept as
// the scale's own metrics.
//
// No public capture was found; the tests use frames built from this layout and every frame of
// ble-scale-sync's tests/scales/exingtech-y1.test.ts (constructed by its authors, not captured).
// Sources: openScale scales/ExingtechY1Handler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "exingtech-y1";
const Uuid kService = *Uuid::parse("f433bd80-75b8-11e2-97d9-0002a5d5c51b");
const Uuid kFrames = *Uuid::parse("1a2ea400-75b9-11e2-be05-0002a5d5c51b");
const Uuid kCommands = *Uuid::parse("29f11080-75b9-11e2-8bf6-0002a5d5c51b");

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 1a2ea400-…");
  const Bytes& b = v.value;
  if (b.size() != 20) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Exingtech frames are 20 bytes");
  const std::uint16_t raw = be16(&b[4]);
  if (raw == 0 || raw > 3000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 10.0;
  r.stabilized = b[6] != 0xFF;  // the fat is measured: the result
  if (r.stabilized) {
    const double fat = be16(&b[6]) / 10.0, water = be16(&b[8]) / 10.0, bone = be16(&b[10]) / 10.0;
    if (fat > 0 && fat < 80) r.add_device_metric("fat_percent", fat);
    if (water > 0 && water < 90) r.add_device_metric("water_percent", water);
    if (bone > 0 && bone < 10) r.add_device_metric("bone_kg", bone);
    if (b[14] > 0 && b[14] < 60) r.add_device_metric("visceral_fat", b[14]);
  }
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) {
  if (decode_util::equals_ci(adv.name, "VScale")) return true;
  for (const Uuid& u : adv.service_uuids)
    if (u == kService) return true;
  return false;
}

Conversation conversation(const ConversationContext& c) {
  const int height = c.person ? static_cast<int>(std::lround(c.person->height_cm)) : 170;
  const int age = c.person ? age_on(c.person->birth_date, c.unix_now * 1000000) : 30;
  ReadingConversation rc;
  rc.name = kModel;
  rc.notify = kFrames;
  rc.requests = {{kCommands, Bytes{0x10, static_cast<std::uint8_t>(c.user.slot),
                                   static_cast<std::uint8_t>(c.person && c.person->sex == Sex::female ? 1 : 0),
                                   static_cast<std::uint8_t>(age), static_cast<std::uint8_t>(height)}}};
  rc.decode = decode_gatt;
  return reading_conversation(rc);
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "exingtech-y1";
  s.name = "VScale";
  s.default_address = "00:1C:97:11:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v.size() != 5 || v[0] != 0x10) return out;
    auto frame = [&](double kg, bool result) {
      Bytes f(4, 0);
      put_u16be(f, static_cast<std::uint16_t>(std::lround(kg * 10)));
      if (result) {
        for (std::uint16_t x : {std::uint16_t{218}, std::uint16_t{547}, std::uint16_t{30}, std::uint16_t{402}}) put_u16be(f, x);
        f.push_back(8);
      } else {
        f.push_back(0xFF), f.push_back(0xFF);
      }
      f.resize(20, 0);
      return f;
    };
    out.push_back({std::chrono::milliseconds(500), kFrames, frame(o.weight_kg, false)});
    out.push_back({std::chrono::milliseconds(2000), kFrames, frame(o.weight_kg, true)});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kExingtechY1 = {
    .id = kModel,
    .name = "Exingtech Y1 body-fat scale (VScale)",
    .manufacturer = "Exingtech",
    .names = {"VScale"},
    .recognised_by = "name VScale or service f433bd80-…; 20-byte frames on 1a2ea400-…",
    .reports = {"weight_kg", "fat_percent", "water_percent", "bone_kg", "visceral_fat"},
    .link = LinkMode::gatt,
    .gatt_uuids = {kFrames},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person (10: user, sex, age, height) on 29f11080-…; frames on 1a2ea400-… until the result",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "exingtech-y1",
        .summary = "Exingtech Y1 (VScale): a live weight, then the result with the scale's metrics",
        .create = simulator,
    },
};

}  // namespace declouder
