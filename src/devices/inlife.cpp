// Inlife body-fat scales ("000fatscale01", "000fatscale02", "042fatscale01"): asked over GATT.
//
// Service 0xFFF0: 0xFFF1 notify (the scale's frames), 0xFFF2 write (the app's commands).
// Every frame both ways is 14 bytes: 02 <command> <10 bytes> <XOR of bytes 1-11> AA.
//   app:   02 D2 <level 1-3> <sex: 0 male, 1 female> <user id> <age> <height cm> ... (the person)
//          02 D4 ... (done)
//   scale: 02 D8 <weight u16 BE, kg x 10> ...   live weight
//          02 DD <weight u16 BE, kg x 10> ...   the result; byte 11 0x80 or 0x81: bytes 4-7 the
//                 impedance u32 BE, ohm; otherwise bytes 4-6 the lean body mass u24 BE, g, and
//                 7-8 a visceral-fat factor x 10 (not decoded)
//          02 DF <0: accepted> ...              the person was accepted
// The lean body mass is kept as the scale's own metric (`lean_body_mass_kg`), as it sent it
// (for its "general" activity level).
//
// Real vector: a result in an Inlife scale's btsnoop log, openScale issue #352
// (`02 DD 02C0 00B6D4 01C2 3C3D 00 BF AA`: 70.4 kg as its owner read it, lean mass 46.804 kg);
// no public frame with the impedance flag exists, so that branch is tested on layout frames.
// Sources: openScale scales/InlifeHandler.kt and issue #352. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "inlife";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF1), kCommands = Uuid::from16(0xFFF2);

Bytes frame(std::uint8_t command, std::initializer_list<std::uint8_t> params) {
  Bytes f(14, 0);
  f[0] = 0x02, f[1] = command;
  std::size_t i = 2;
  for (std::uint8_t p : params) f[i++] = p;
  f[12] = xor8(ByteView(f).subspan(1, 11));
  f[13] = 0xAA;
  return f;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() != 14 || b[0] != 0x02 || b[13] != 0xAA) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 14-byte 02 .. AA frame");
  if (xor8(b.subspan(1, 11)) != b[12]) return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of bytes 1-11 differs from byte 12");
  if (b[1] != 0xD8 && b[1] != 0xDD) return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an Inlife frame other than a weight");
  const std::uint16_t raw = be16(&b[2]);
  if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
  Reading r;
  r.model = kModel;
  r.weight_kg = raw / 10.0;
  if (b[1] == 0xDD) {
    r.stabilized = true;
    if (b[11] == 0x80 || b[11] == 0x81) {
      const double ohm = be32(&b[4]);
      if (decode_util::plausible_impedance(ohm)) r.impedance_ohm = ohm;
    } else {
      const std::uint32_t grams = (b[4] << 16) | (b[5] << 8) | b[6];
      if (grams != 0xFFFFFF && grams > 0 && grams / 1000.0 < *r.weight_kg) r.add_device_metric("lean_body_mass_kg", grams / 1000.0);
    }
  }
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF1");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) {
  using decode_util::equals_ci;
  return equals_ci(adv.name, "000fatscale01") || equals_ci(adv.name, "000fatscale02") || equals_ci(adv.name, "042fatscale01");
}

Conversation conversation(const ConversationContext& c) {
  const int height = c.person ? static_cast<int>(std::lround(c.person->height_cm)) : 170;
  const int age = c.person ? age_on(c.person->birth_date, c.unix_now * 1000000) : 30;
  const std::uint8_t sex = c.person && c.person->sex == Sex::female ? 1 : 0;
  const auto slot = static_cast<std::uint8_t>(c.user.slot);
  ReadingConversation rc;
  rc.name = kModel;
  rc.notify = kFrames;
  rc.requests = {{kCommands, frame(0xD2, {0x01, sex, slot, static_cast<std::uint8_t>(age), static_cast<std::uint8_t>(height)})}};
  rc.decode = decode_gatt;
  rc.acknowledge = std::make_pair(kCommands, frame(0xD4, {}));
  Conversation conv = reading_conversation(rc);
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "inlife";
  s.name = "000fatscale01";
  s.default_address = "A4:C1:38:1F:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v.size() != 14 || v[1] != 0xD2) return out;
    const auto w = static_cast<std::uint16_t>(std::lround(o.weight_kg * 10));
    const auto wl = static_cast<std::uint16_t>(std::lround(o.weight_kg * 0.7 * 10));
    const auto z = static_cast<std::uint32_t>(std::lround(o.impedance_ohm));
    auto hi = [](unsigned v) { return static_cast<std::uint8_t>(v >> 8); };
    auto lo = [](unsigned v) { return static_cast<std::uint8_t>(v); };
    out.push_back({std::chrono::milliseconds(150), kFrames, frame(0xDF, {0x00})});
    out.push_back({std::chrono::milliseconds(500), kFrames, frame(0xD8, {hi(wl), lo(wl)})});
    out.push_back({std::chrono::milliseconds(900), kFrames, frame(0xD8, {hi(w), lo(w)})});
    out.push_back({std::chrono::milliseconds(1500), kFrames,
                   frame(0xDD, {hi(w), lo(w), static_cast<std::uint8_t>(z >> 24), static_cast<std::uint8_t>(z >> 16), hi(z), lo(z), 0, 0, 0, 0x80})});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kInlife = {
    .id = kModel,
    .name = "Inlife body-fat scales (000fatscale01/02, 042fatscale01)",
    .manufacturer = "Inlife",
    .names = {"000fatscale01", "000fatscale02", "042fatscale01"},
    .recognised_by = "names 000fatscale01, 000fatscale02, 042fatscale01; service 0xFFF0, 14-byte 02 .. AA frames on 0xFFF1",
    .reports = {"weight_kg", "impedance_ohm", "lean_body_mass_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the person (02 D2: level, sex, user, age, height) on FFF2; weights on FFF1 until the DD result; done (D4)",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "inlife",
        .summary = "Inlife (000fatscale01): live weights and the DD result with impedance on FFF1 once given the person",
        .create = simulator,
    },
};

}  // namespace declouder
