// Koogeek S1 body-composition scale (a Shenzhen Belter OEM unit, "Koogeek-S1"): asked over GATT.
//
// Service 0xFFF0: 0xFFF4 notify (the scale's frames), 0xFFF3 write (the app's answers).
// Every frame, both ways: 55 AA 55 AA <command> <payload length> <payload> <XOR of all previous
// bytes>. (The source calls byte 5 "a fixed 0x01" on the app's frames: their payloads are one
// byte; the scale's frames carry their own lengths there, 0x0D and 0x07 in the captures.)
//   scale 0x01  "init", repeated from the moment notifications are on; the scale sends no weight
//               until the app answers 55 AA 55 AA 81 01 01 81
//   scale 0x07  a query: the app answers 87 01 <the query's payload byte 0>
//   scale 0x02  live weight, 0x03 the stable one; 7-byte payload:
//               [3-4] weight u16 BE, kg x 10; [5-6] impedance u16 BE, ohm (0 through socks)
// Payload bytes 0-2 of the weight frames are not decoded. The vendor computed body composition
// in a cloud that no longer exists: the scale sends weight and impedance only.
//
// Real vectors: the init frame and a stable frame (78.3 kg, 470 ohm, as the scale's display
// showed) captured by the reporter of ble-scale-sync issue #270, in ble-scale-sync
// tests/scales/koogeek-s1.test.ts.
// Sources: ble-scale-sync issue #270 (the protocol as the reporter read it from the vendor's
// "Smart Health" app, com.tomtop.smart, and checked on the scale) and src/scales/koogeek-s1.ts.
// Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "koogeek-s1";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF4), kAnswers = Uuid::from16(0xFFF3);
constexpr std::uint8_t kInit = 0x01, kLive = 0x02, kStable = 0x03, kQuery = 0x07;

Bytes frame(std::uint8_t command, ByteView payload) {
  Bytes f{0x55, 0xAA, 0x55, 0xAA, command, static_cast<std::uint8_t>(payload.size())};
  f.insert(f.end(), payload.begin(), payload.end());
  f.push_back(xor8(f));
  return f;
}

// The command of a well-formed frame, or nothing.
std::optional<std::uint8_t> command_of(ByteView b) {
  if (b.size() < 7 || b[0] != 0x55 || b[1] != 0xAA || b[2] != 0x55 || b[3] != 0xAA) return std::nullopt;
  if (b[5] != b.size() - 7 || xor8(b.first(b.size() - 1)) != b.back()) return std::nullopt;
  return b[4];
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 7 || b[0] != 0x55 || b[1] != 0xAA || b[2] != 0x55 || b[3] != 0xAA)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 55 AA 55 AA frame");
  if (b[5] != b.size() - 7) return DecodeOutcome::reject(DecodeStatus::wrong_length, "byte 5 is not the payload's length");
  if (xor8(b.first(b.size() - 1)) != b.back())
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of the frame differs from its last byte");
  if (b[4] != kLive && b[4] != kStable) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a Koogeek frame other than a weight");
  if (b.size() != 14) return DecodeOutcome::reject(DecodeStatus::wrong_length, "Koogeek weight frames are 14 bytes");
  const std::uint16_t raw = be16(&b[9]);
  if (raw == 0 || raw > 3000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 10.0;
  r.stabilized = b[4] == kStable;
  const double ohm = be16(&b[11]);
  if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF4");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::contains_ci(adv.name, "koogeek-s1"); }

// Answer the scale's init and queries, as they come (the init repeats until answered), and
// take the stable weight.
Conversation conversation(const ConversationContext&) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on FFF4");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kFrames) return Verdict::ignore;
    const auto command = command_of(v.value);
    if (!command) return Verdict::ignore;
    if (*command == kInit) {
      ctx.link.write(kAnswers, frame(0x81, Bytes{0x01}), WriteMode::without_response);
      return Verdict::more;
    }
    if (*command == kQuery) {
      ctx.link.write(kAnswers, frame(0x87, Bytes{v.value[6]}), WriteMode::without_response);
      return Verdict::more;
    }
    return emit_when_final(decode_gatt(v), v, ctx, Verdict::more);
  }));
  return conv;
}

// The scale's side: the init frame once notifications are on; after the app's 81 answer, live
// weights and the stable one with the impedance.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "koogeek-s1";
  s.name = "Koogeek-S1";
  s.default_address = "C8:B2:1E:51:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kAnswers, kWrite | kWriteWithoutResponse, {}}}}};
  // The init payload as the captured one (its meaning is not documented).
  const Bytes init = frame(kInit, Bytes{0x01, 0x01, 0x01, 0x16, 0x26, 0x01, 0x73, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00});
  s.on_subscribe = [init](const Uuid& c, const SimOptions&) {
    std::vector<ScriptedFrame> out;
    if (c == kFrames) out.push_back({std::chrono::milliseconds(100), kFrames, init});
    return out;
  };
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kAnswers || command_of(v) != std::optional<std::uint8_t>(0x81)) return out;
    auto weight = [&](std::uint8_t command, double kg, double ohm) {
      Bytes p{0x01, 0x00, 0x00};
      put_u16be(p, static_cast<std::uint16_t>(std::lround(kg * 10)));
      put_u16be(p, static_cast<std::uint16_t>(std::lround(ohm)));
      return frame(command, p);
    };
    using std::chrono::milliseconds;
    out.push_back({milliseconds(300), kFrames, weight(kLive, o.weight_kg * 0.7, 0)});
    out.push_back({milliseconds(700), kFrames, weight(kLive, o.weight_kg, 0)});
    out.push_back({milliseconds(1500), kFrames, weight(kStable, o.weight_kg, o.impedance_ohm)});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kKoogeekS1 = {
    .id = kModel,
    .name = "Koogeek S1 body-composition scale",
    .manufacturer = "Koogeek",
    .names = {"Koogeek-S1"},
    .recognised_by = "name …Koogeek-S1…; service 0xFFF0, 55 AA 55 AA frames on 0xFFF4",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF4},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "answers the scale's init (81) and queries (87) on FFF3; 55 AA 55 AA weights on FFF4 until the stable one",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "koogeek-s1",
        .summary = "Koogeek S1 (Koogeek-S1): the init frame, then weights on FFF4 once it is answered",
        .create = simulator,
    },
};

}  // namespace declouder
