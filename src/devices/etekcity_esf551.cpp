// Etekcity ESF551 ("Etekcity Smart Fitness Scale"): asked over GATT.
//
// Service 0xFFF0: 0xFFF1 notify (the scale's frames), 0xFFF2 write (the app's commands).
// The app writes the display unit, A5 22 03 05 00 <43 - unit> 01 63 A1 00 <unit: 0 kg, 1 lb,
// 2 st>, and subscribes; the scale notifies 22-byte weight frames
//   0-1    A5 02
//   2      a sequence number        3-4  10 00 (the weight message; other A5 02 messages, such
//                                   as the 11-byte 05 00 one after a weighing, are not weights)
//   5      a check byte (its rule is not documented in the sources: not checked)
//   6-9    01 61 A1 00
//   10-12  weight u24 LE, grams
//   13-14  impedance u16 LE, ohm (0: none)
//   19     1 when the weighing is finished (0 while the weight still moves)
//   20     1 when bytes 13-14 are a measured impedance
//   21     the display unit (0 kg, 1 lb, 2 st); the weight is in grams whatever it shows
// Bytes 15-18 (a counter or clock) are not decoded. openScale's handler took byte 20 for the
// finished flag; real sessions show byte 20 set on every live frame and byte 19 rising only on
// the last, as etekcity_esf551_ble parses them.
//
// Real vectors: a session in openScale issue #1351 (live frames, 96.14 kg, byte 19 = 0) and one
// in ble-scale-sync issue #385 (71.40 kg live, then 72.53 kg and 531 ohm finished).
// Sources: ronnnnnnnnnnnnn/etekcity_esf551_ble src/etekcity_esf551_ble/esf551/protocol.py and
// tests/unit/test_esf551_protocol.py; openScale scales/EtekcityESF551Handler.kt. Re-implemented
// from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "etekcity-esf551";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF1), kCommands = Uuid::from16(0xFFF2);

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 2 || b[0] != 0xA5 || b[1] != 0x02) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not an A5 02 frame");
  if (b.size() < 5 || b[3] != 0x10 || b[4] != 0x00)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an A5 02 message other than a weight (10 00)");
  if (b.size() != 22) return DecodeOutcome::reject(DecodeStatus::wrong_length, "ESF551 weight frames are 22 bytes");
  if (b[6] != 0x01 || b[7] != 0x61 || b[8] != 0xA1 || b[9] != 0x00)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a 10 00 frame without 01 61 A1 00");
  const std::uint32_t grams = b[10] | (b[11] << 8) | (b[12] << 16);
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = grams / 1000.0;
  r.stabilized = b[19] == 1;
  const double ohm = le16(&b[13]);
  if (b[20] == 1 && decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF1");
  return decode_frame(v.value);
}

// The full name is 28 characters: a legacy advert that carries it shortened ("Etekcity Smart
// Fitness…", as BlueZ truncates a long LocalName) is the scale too.
bool claims(const Advertisement& adv) { return decode_util::starts_with_ci(adv.name, "Etekcity Smart Fitness"); }

Conversation conversation(const ConversationContext& c) {
  std::uint8_t unit = 0;
  if (c.person && c.person->unit == WeightUnit::lb) unit = 1;
  if (c.person && c.person->unit == WeightUnit::st) unit = 2;
  ReadingConversation rc;
  rc.name = kModel;
  rc.notify = kFrames;
  rc.requests = {{kCommands, Bytes{0xA5, 0x22, 0x03, 0x05, 0x00, static_cast<std::uint8_t>(43 - unit), 0x01, 0x63, 0xA1, 0x00, unit}}};
  rc.mode = WriteMode::without_response;
  rc.decode = decode_gatt;
  return reading_conversation(rc);
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "etekcity-esf551";
  s.name = "Etekcity Smart Fitness";  // shortened to fit the advert beside its service
  s.default_address = "D0:73:D5:55:10:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite | kWriteWithoutResponse, {}}}}};
  s.on_subscribe = [](const Uuid& c, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kFrames) return out;
    auto frame = [&](std::uint8_t seq, double kg, bool final) {
      Bytes b{0xA5, 0x02, seq, 0x10, 0x00, 0x00, 0x01, 0x61, 0xA1, 0x00};
      const auto g = static_cast<std::uint32_t>(std::lround(kg * 1000));
      b.push_back(g & 0xFF), b.push_back((g >> 8) & 0xFF), b.push_back((g >> 16) & 0xFF);
      put_u16le(b, final ? static_cast<std::uint16_t>(std::lround(o.impedance_ohm)) : 0);
      b.resize(22, 0);
      b[19] = final ? 1 : 0;
      b[20] = 1;  // impedance measured (bytes 13-14 stay 0 until it is)
      // byte 21, the display unit, stays 0 (kg)
      return b;
    };
    out.push_back({std::chrono::milliseconds(400), kFrames, frame(1, o.weight_kg * 0.8, false)});
    out.push_back({std::chrono::milliseconds(800), kFrames, frame(2, o.weight_kg, false)});
    out.push_back({std::chrono::milliseconds(1600), kFrames, frame(3, o.weight_kg, true)});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kEtekcityEsf551 = {
    .id = kModel,
    .name = "Etekcity ESF551 (Etekcity Smart Fitness Scale)",
    .manufacturer = "Etekcity",
    .names = {"Etekcity Smart Fitness Scale"},
    .recognised_by = "name Etekcity Smart Fitness (Scale)…; service 0xFFF0, 22-byte A5 02 frames on 0xFFF1",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person's unit on FFF2; A5 02 weight frames on FFF1 until the finished one",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "etekcity-esf551",
        .summary = "Etekcity ESF551: A5 02 weight frames on FFF1 once subscribed, the last finished with impedance",
        .create = simulator,
    },
};

}  // namespace declouder
