// Cult Smart Scale Pro ("CULT…"): an 8-electrode scale, heard over GATT notifications.
//
// Service 0xFFF0: 0xFFF4 notify. Frames by their first byte:
//   CF  live weight: 3-4 weight u16 LE, kg x 100; 9 status: 0x01 measuring, 0x05 or 0x08 stable
//       (impedance to follow), 0x00 final without impedance
//   BE  impedances: 1 packet index; 2-11 five u16 LE, ohm. In packet 0 the third is the
//       whole-body impedance (the one kept); the others are segments (kept raw)
//   DF  body-composition frames (four; not decoded)
// The app only subscribes. A weighing is the stable weight with packet 0's whole-body impedance,
// or the final weight alone (in socks).
//
// No public capture was found; the tests use frames built from this layout.
// Sources: openScale scales/CultSmartScaleProHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "cult-smart-scale-pro";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF4);

DecodeOutcome decode_frame(ByteView b) {
  if (b.empty() || (b[0] != 0xCF && b[0] != 0xBE && b[0] != 0xDF))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a CF, BE or DF frame");
  Reading r;
  r.model = kModel;
  if (b[0] == 0xCF) {
    if (b.size() < 10) return DecodeOutcome::reject(DecodeStatus::wrong_length, "CF frames have 10 bytes or more");
    const std::uint16_t raw = le16(&b[3]);
    if (raw == 0 || raw > 30000) return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0-300 kg");
    r.weight_kg = raw / 100.0;
    r.stabilized = b[9] == 0x00 || b[9] == 0x05 || b[9] == 0x08;
    return DecodeOutcome::success(r);
  }
  if (b[0] == 0xBE && b.size() >= 12 && b[1] == 0x00) {
    const double ohm = le16(&b[6]);
    if (!decode_util::plausible_impedance(ohm)) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no whole-body impedance");
    r.impedance_ohm = ohm;
    return DecodeOutcome::success(r);
  }
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "segment impedances or body-composition frames");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF4");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::starts_with_ci(adv.name, "CULT"); }

Conversation conversation(const ConversationContext&) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on FFF4");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok()) return Verdict::ignore;
    if (o.reading.weight_kg) {
      if (!o.reading.stabilized) return Verdict::more;
      ctx.frames["weight"] = v.value;
      if (v.value[9] != 0x00) return Verdict::more;  // stable: the impedance follows
      o.reading.address = v.address;
      ctx.emit(o.reading, v.value);
      return Verdict::done;
    }
    auto w = ctx.frames.find("weight");
    if (w == ctx.frames.end()) return Verdict::more;
    DecodeOutcome weighing = decode_frame(w->second);
    weighing.reading.impedance_ohm = o.reading.impedance_ohm;
    weighing.reading.address = v.address;
    Bytes raw = w->second;
    raw.insert(raw.end(), v.value.begin(), v.value.end());
    ctx.emit(weighing.reading, raw);
    return Verdict::done;
  }));
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "cult-smart-scale-pro";
  s.name = "CULT SMART SCALE PRO";
  s.default_address = "A4:C1:38:C0:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}}}};
  s.on_subscribe = [](const Uuid& c, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kFrames) return out;
    auto live = [](double kg, std::uint8_t status) {
      Bytes f{0xCF, 0x00, 0x00};
      put_u16le(f, static_cast<std::uint16_t>(std::lround(kg * 100)));
      f.resize(9, 0);
      f.push_back(status);
      return f;
    };
    const auto z = static_cast<std::uint16_t>(std::lround(o.impedance_ohm));
    Bytes imp{0xBE, 0x00};
    for (std::uint16_t v : {std::uint16_t(z + 60), std::uint16_t(z + 55), z, std::uint16_t(z - 180), std::uint16_t(z - 185)}) put_u16le(imp, v);
    out.push_back({std::chrono::milliseconds(400), kFrames, live(o.weight_kg * 0.7, 0x01)});
    out.push_back({std::chrono::milliseconds(900), kFrames, live(o.weight_kg, 0x01)});
    out.push_back({std::chrono::milliseconds(1300), kFrames, live(o.weight_kg, 0x08)});
    out.push_back({std::chrono::milliseconds(3000), kFrames, imp});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kCultSmartScalePro = {
    .id = kModel,
    .name = "Cult Smart Scale Pro (8 electrodes)",
    .manufacturer = "Cult",
    .names = {"CULT"},
    .recognised_by = "name CULT…; service 0xFFF0, CF/BE/DF frames on 0xFFF4",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF4},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "subscribe to FFF4; the stable weight (CF) and the whole-body impedance (BE packet 0)",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "cult-smart-scale-pro",
        .summary = "Cult Smart Scale Pro: live and stable CF weights on FFF4, then the BE impedances",
        .create = simulator,
    },
};

}  // namespace declouder
