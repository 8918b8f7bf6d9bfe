// Renpho ES-26BB-B: the `55 AA` frames, asked over GATT.
//
// Service 0x1A10: 0x2A10 notify (the scale's frames), 0x2A11 write (the app's commands).
// Every frame: 55 AA <command> 00 <payload length> <payload> <sum of all previous bytes mod 256>.
//   app:   55 AA 90 00 04 01 00 00 00 94   start (live weights and stored weighings)
//          55 AA 95 00 01 01 <sum>          a stored weighing received
//   scale: 0x14 live: payload[0] type (0x01 or 0x11: final), weight u32 BE kg x 100,
//                     resistance u16 BE ohm
//          0x15 stored: weight u32 BE kg x 100, resistance u16 BE, seconds since it was measured
//                     u32 BE (the scale has no clock: the app dates it)
//          0x11 scale info (power, unit, precision, stored count, battery), 0x10 command result
// A stored weighing is kept as a reading without a device time: its age in seconds is relative
// to when it was heard, which the frame alone cannot place (docs/devices.md).
//
// No public capture was found; the tests use frames built from this layout.
// Sources: openScale scales/RenphoES26BBHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "renpho-es26bb";
const Uuid kService = Uuid::from16(0x1A10), kFrames = Uuid::from16(0x2A10), kCommands = Uuid::from16(0x2A11);
const Bytes kStart{0x55, 0xAA, 0x90, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x94};

Bytes frame(std::uint8_t command, Bytes payload) {
  Bytes f{0x55, 0xAA, command, 0x00, static_cast<std::uint8_t>(payload.size())};
  f.insert(f.end(), payload.begin(), payload.end());
  f.push_back(sum8(f));
  return f;
}

DecodeOutcome weighing(std::uint32_t centi_kg, std::uint16_t ohm, bool final) {
  if (centi_kg == 0 || centi_kg > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = centi_kg / 100.0;
  r.stabilized = final;
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 6 || b[0] != 0x55 || b[1] != 0xAA) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 55 AA frame");
  if (b.size() != 6u + b[4]) return DecodeOutcome::reject(DecodeStatus::wrong_length, "payload length differs from the frame");
  if (sum8(b.first(b.size() - 1)) != b.back()) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "sum of the bytes differs from the last");
  const ByteView p = b.subspan(5, b[4]);
  if (b[2] == 0x14 && p.size() >= 7) return weighing(be32(&p[1]), be16(&p[5]), p[0] == 0x01 || p[0] == 0x11);
  if (b[2] == 0x15 && p.size() >= 10) return weighing(be32(&p[0]), be16(&p[4]), true);
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "scale info or command result");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0x2A10");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "ES-26BB-B"); }

Conversation conversation(const ConversationContext&) {
  ReadingConversation c;
  c.name = kModel;
  c.notify = kFrames;
  c.requests = {{kCommands, kStart}};
  c.decode = decode_gatt;
  return reading_conversation(c);
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "renpho-es26bb";
  s.name = "ES-26BB-B";
  s.default_address = "C8:B2:1E:26:00:BB";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v != kStart) return out;
    auto live = [&](double kg, std::uint8_t type, int ohm) {
      Bytes p{type};
      put_u32be(p, static_cast<std::uint32_t>(std::lround(kg * 100)));
      put_u16be(p, static_cast<std::uint16_t>(ohm));
      return frame(0x14, p);
    };
    out.push_back({std::chrono::milliseconds(200), kFrames, frame(0x11, {0x01, 0x01, 0x01, 0x00, 0x00})});
    out.push_back({std::chrono::milliseconds(500), kFrames, live(o.weight_kg * 0.9, 0x00, 0)});
    out.push_back({std::chrono::milliseconds(900), kFrames, live(o.weight_kg, 0x00, 0)});
    out.push_back({std::chrono::milliseconds(1400), kFrames, live(o.weight_kg, 0x01, static_cast<int>(std::lround(o.impedance_ohm)))});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kRenphoEs26bb = {
    .id = kModel,
    .name = "Renpho ES-26BB-B (the 55 AA protocol)",
    .names = {"ES-26BB-B"},
    .recognised_by = "name ES-26BB-B; service 0x1A10, 55 AA frames on 0x2A10",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0x2A10},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "start (55 AA 90) on 2A11; 0x14 weights on 2A10 until the final one",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "renpho-es26bb",
        .summary = "Renpho ES-26BB-B: 55 AA 0x14 live weights on 2A10 once started, the last final with impedance",
        .create = simulator,
    },
};

}  // namespace declouder
