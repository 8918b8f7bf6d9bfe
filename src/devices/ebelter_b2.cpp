// Ebelter "Body Fat-B2" scale: asked over GATT.
//
// Service 0xFAA0: 0xFAA1 write (the app's handshake), 0xFAA2 notify.
// The app subscribes and writes two handshake frames, AB 09 98 FC 12 17 11 18 0A 27 14 and
// AB 0E 99 06 15 14 42 14 8B BC 0A A6 11 BD 12 E9 EA (captured; their meaning is not known),
// again whenever the scale sends 8D 01 (it asks for them). The result is
//   8D 11 .. .. <weight u16 LE, kg x 10> <fat u16 LE, % x 10; 0: none>
// repeated while the person stands: identical frames are one weighing (the store keeps them as
// one). Nothing else of the frame is decoded; its fat is kept as the scale's own metric.
//
// No public capture beyond the handshake was found; the tests use frames built from this layout.
// Sources: openScale scales/EbelterBodyFatB2Handler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "ebelter-b2";
const Uuid kService = Uuid::from16(0xFAA0), kHandshake = Uuid::from16(0xFAA1), kFrames = Uuid::from16(0xFAA2);
const Bytes kHello1{0xAB, 0x09, 0x98, 0xFC, 0x12, 0x17, 0x11, 0x18, 0x0A, 0x27, 0x14};
const Bytes kHello2{0xAB, 0x0E, 0x99, 0x06, 0x15, 0x14, 0x42, 0x14, 0x8B, 0xBC, 0x0A, 0xA6, 0x11, 0xBD, 0x12, 0xE9, 0xEA};

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFAA2");
  const Bytes& b = v.value;
  if (b.size() < 2 || b[0] != 0x8D) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not an 8D frame");
  if (b[1] != 0x11) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an 8D frame other than the result");
  if (b.size() < 8) return DecodeOutcome::reject(DecodeStatus::wrong_length, "the result has 8 bytes or more");
  const double kg = le16(&b[4]) / 10.0;
  if (kg < 10 || kg > 300) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 10-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = kg;
  r.stabilized = true;
  const double fat = le16(&b[6]) / 10.0;
  if (fat > 0 && fat < 80) r.add_device_metric("fat_percent", fat);
  return DecodeOutcome::success(r);
}

bool claims(const Advertisement& adv) { return decode_util::starts_with_ci(adv.name, "BODY FAT-B2"); }

Conversation conversation(const ConversationContext&) {
  ReadingConversation c;
  c.name = kModel;
  c.notify = kFrames;
  c.requests = {{kHandshake, kHello1}, {kHandshake, kHello2}};
  c.decode = decode_gatt;
  c.mode = WriteMode::without_response;
  return reading_conversation(c);
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "ebelter-b2";
  s.name = "BODY FAT-B2";
  s.default_address = "A4:C1:38:B2:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kHandshake, kWrite | kWriteWithoutResponse, {}}, {kFrames, kNotify, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kHandshake || v != kHello2) return out;
    Bytes f{0x8D, 0x11, 0x00, 0x00};
    put_u16le(f, static_cast<std::uint16_t>(std::lround(o.weight_kg * 10)));
    put_u16le(f, 231);  // 23.1 % fat
    for (int i = 1; i <= 3; ++i) out.push_back({std::chrono::milliseconds(900 + 300 * i), kFrames, f});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kEbelterB2 = {
    .id = kModel,
    .name = "Ebelter Body Fat-B2 scale",
    .manufacturer = "Ebelter",
    .names = {"BODY FAT-B2"},
    .recognised_by = "name BODY FAT-B2…; service 0xFAA0, 8D 11 results on 0xFAA2",
    .reports = {"weight_kg", "fat_percent"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFAA2},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "two handshake frames on FAA1; the 8D 11 result on FAA2",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "ebelter-b2",
        .summary = "Ebelter Body Fat-B2: 8D 11 results on FAA2 after the handshake",
        .create = simulator,
    },
};

}  // namespace declouder
