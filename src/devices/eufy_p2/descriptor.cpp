// Eufy Smart Scale P2 (T9148) and P2 Pro (T9149): asked over GATT, after an authentication.
//
// Service 0xFFF0: 0xFFF1 write (the app), 0xFFF2 notify (weights), 0xFFF4 notify (the scale's
// answers in the authentication). The scale sends no weight until the app has authenticated:
//   key  MD5 of the scale's MAC as 12 upper-case hex digits without colons
//   seal AES-128-CBC, PKCS#7 padding, IV = 16 ASCII '0' (not zero bytes), then base64
//   1. app -> FFF1   C0 frames: seal(a 15-character text of the app's choosing)
//   2. FFF4 -> app   C1 frames: seal(the scale's own text)
//   3. app -> FFF1   C2 frames: seal("<app text>_<scale text>")
//   4. FFF4 -> app   C3 01 00 01 <status> <XOR>: 0 = authenticated
// The base64 text travels in "sub-contract" frames, 15 bytes each: <C0..C3> <segments> <index>
// <total length> <bytes> <XOR of the frame's previous bytes>. The app waits about a second
// between its C0 frames (the scales need slow pacing).
// Weights then arrive on FFF2, 16 bytes:
//   0-3    CF 0E 00 CF (0E: the length after the first two bytes)
//   4-5    impedance u16 LE, ohm x 10 (0 when the scale ran no measurement through the feet)
//   6-7    weight u16 LE, kg x 100
//   8-10   a value present exactly when the impedance is (its meaning is unknown: raw)
//   12     0 on a final frame
//   15     XOR of bytes 2-14
// The scale marks a frame final while the weight can still settle (ble-scale-sync #284): the
// weighing is the first final weight that the next final frame repeats. An impedance measured
// on the way is kept with it while the weight stays within 2 kg of where it was measured.
//
// Real vectors: three P2 Pro frames in ble-scale-sync issue #289 (87.90, 87.50, 87.65 kg, the
// weights the Eufy app showed), in ble-scale-sync tests/scales/eufy-p2.test.ts.
// Not done: the adverts these scales also send (company 0xFF48, a weight without impedance):
// no captured advert is public. Sources: bdr99/eufylife-ble-client eufylife_ble_client/
// auth_handler.py, util.py and client.py (the authentication, its framing and the frame);
// ble-scale-sync src/scales/eufy-p2.ts and issues #284, #289 (the impedance, the settling).
// Re-implemented from those facts.
#include <cmath>
#include <random>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/eufy_p2/protocol.hpp"

namespace declouder {
namespace eufy_p2 {

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

namespace {

constexpr const char* kModel = "eufy-p2";

bool claims(const Advertisement& adv) {
  return decode_util::starts_with_ci(adv.name, "eufy T9148") || decode_util::starts_with_ci(adv.name, "eufy T9149");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kWeights) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF2");
  return decode_weight(v.value);
}

// 15 characters the app chooses for itself (eufylife-ble-client takes a random UUID's first 15).
std::string app_text() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string t;
  for (int i = 0; i < 15; ++i) t.push_back(i == 8 ? '-' : kHex[rd() % 16]);
  return t;
}

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  conv.pacing = std::chrono::milliseconds(1000);
  const MacAddress mac = c.advert.address.value_or(MacAddress{});
  const auto key = key_for(mac);
  const std::string mine = app_text();
  Step auth = subscribe_step(kAuth, "notifications on FFF4");
  auth.resume_here = true;
  conv.steps.push_back(auth);
  conv.steps.push_back(subscribe_step(kWeights, "notifications on FFF2"));
  for (const Bytes& f : segments(0xC0, seal(mine, key)))
    conv.steps.push_back(write_step(kCommands, f, WriteMode::with_response, "authenticate (C0)"));
  conv.steps.push_back(expect_step("the scale's text (C1)", [key](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kAuth || v.value.empty() || v.value[0] != 0xC1) return Verdict::ignore;
    Reassembly r;
    r.text = text_of(ctx.frames["c1"]);
    if (!r.add(0xC1, v.value)) return Verdict::fail;
    ctx.frames["c1"] = bytes_of(r.text);
    if (!r.complete) return Verdict::more;
    const auto theirs = open(r.text, key);
    if (!theirs) return Verdict::fail;  // not sealed with this scale's key
    ctx.frames["theirs"] = bytes_of(*theirs);
    return Verdict::done;
  }));
  conv.steps.push_back(action_step("authenticate (C2)", [key, mine](SessionContext& ctx) {
    const auto frames = segments(0xC2, seal(mine + "_" + text_of(ctx.frames["theirs"]), key));
    for (const Bytes& f : frames) ctx.link.write(kCommands, f, WriteMode::with_response);
  }));
  conv.steps.push_back(expect_step("authenticated (C3 status 0)", [](const GattValue& v, SessionContext&) {
    if (v.characteristic != kAuth || v.value.size() < 6 || v.value[0] != 0xC3) return Verdict::ignore;
    return v.value[4] == 0 ? Verdict::done : Verdict::fail;
  }));
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok()) return Verdict::ignore;
    Bytes& impedance = ctx.frames["impedance"];  // the frame that carried one
    if (o.reading.impedance_ohm) impedance = v.value;
    Bytes& previous = ctx.frames["final"];
    if (!o.reading.stabilized) {
      previous.clear();
      return Verdict::more;
    }
    if (previous.empty() || le16(&previous[6]) != le16(&v.value[6])) {
      previous = v.value;
      return Verdict::more;  // settling: wait for the same final weight again
    }
    if (!o.reading.impedance_ohm && !impedance.empty() &&
        std::abs(static_cast<int>(le16(&impedance[6])) - static_cast<int>(le16(&v.value[6]))) <= 200)
      o.reading.impedance_ohm = decode_weight(impedance).reading.impedance_ohm;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  return conv;
}

}  // namespace
}  // namespace eufy_p2

extern const DeviceDescriptor kEufyP2 = {
    .id = "eufy-p2",
    .name = "Eufy Smart Scale P2 (T9148) and P2 Pro (T9149)",
    .manufacturer = "Eufy",
    .names = {"eufy T9148", "eufy T9149"},
    .recognised_by = "names eufy T9148, eufy T9149; service 0xFFF0, 16-byte CF frames on 0xFFF2 after the C0-C3 authentication",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF2},
    .claims = eufy_p2::claims,
    .decode_gatt = eufy_p2::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the C0-C3 authentication (AES-128-CBC with the MAC's MD5) on FFF1/FFF4; CF weights on FFF2 until one settles",
        .build = eufy_p2::conversation,
    },
    .simulator = DeviceSimulator{
        .name = "eufy-p2",
        .summary = "Eufy P2 Pro (eufy T9149): authenticates the app (C0-C3), then CF weight frames on FFF2",
        .create = eufy_p2::simulator,
    },
};

}  // namespace declouder
