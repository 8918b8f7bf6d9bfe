// Vitafit VT701 body-fat scale: asked over GATT.
//
// Service 0xFFF0: 0xFFF1 notify (the scale's frames), 0xFFF2 write (the app's commands).
// Frames both ways: header, length, product 0x26, type, data, checksum, trailer 0xAA; the
// length counts from the product byte to the trailer (frame size - 2); the checksum is the XOR
// of the bytes from the length to the last data byte. The scale's header is 0x5A, the app's 0xA5.
//   app:   A5 .. 26 33 00 (hello), A5 .. 26 44 (start), A5 .. 26 17 01 (live weights on)
//   scale: 5A 0A 26 10 <flag> 00 00 xx <weight u16 BE, kg x 100> <chk> AA   flag 0x02 stable
//          5A 0B 26 11 00 00 00 00 00 <impedance u16 BE, ohm> <chk> AA
// After the stable weight the app answers A5 .. 26 10 02; the scale then measures the impedance,
// which the app answers A5 .. 26 11 00. A weighing without bare feet ends with the weight alone.
//
// Sources: openScale scales/VitafitVT701Handler.kt and its test VitafitVT701HandlerTest.kt (the
// captured frames our tests decode, and the command bytes). Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "vitafit-vt701";
const Uuid kService = Uuid::from16(0xFFF0), kFrames = Uuid::from16(0xFFF1), kCommands = Uuid::from16(0xFFF2);

std::uint8_t xor_of(ByteView b) { return xor8(b); }

Bytes command(std::uint8_t type, Bytes data) {
  Bytes f{0xA5, static_cast<std::uint8_t>(data.size() + 4), 0x26, type};
  f.insert(f.end(), data.begin(), data.end());
  f.push_back(xor_of(ByteView(f).subspan(1)));
  f.push_back(0xAA);
  return f;
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 6 || b[0] != 0x5A || b[2] != 0x26 || b.back() != 0xAA)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not a 5A .. 26 .. AA frame");
  if (b[1] != b.size() - 2) return DecodeOutcome::reject(DecodeStatus::wrong_length, "length byte differs from the frame");
  if (xor_of(b.subspan(1, b.size() - 3)) != b[b.size() - 2])
    return DecodeOutcome::reject(DecodeStatus::bad_checksum, "XOR of the bytes from the length on differs");
  Reading r;
  r.model = kModel;
  if (b[3] == 0x10 && b.size() >= 12) {
    const std::uint16_t raw = be16(&b[8]);
    if (raw == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight");
    r.weight_kg = raw / 100.0;
    r.stabilized = b[4] == 0x02;
    return DecodeOutcome::success(r);
  }
  if (b[3] == 0x11 && b.size() >= 13) {  // the impedance alone: the conversation joins it to the weight
    const double ohm = be16(&b[9]);
    if (!decode_util::plausible_impedance(ohm)) return DecodeOutcome::reject(DecodeStatus::invalid_value, "no impedance");
    r.impedance_ohm = ohm;
    return DecodeOutcome::success(r);
  }
  return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "a Vitafit frame other than weight or impedance");
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFF1");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::starts_with_ci(adv.name, "Vitafit"); }

Conversation conversation(const ConversationContext&) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on FFF1");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(kCommands, command(0x33, {0x00}), WriteMode::with_response, "hello (33)"));
  conv.steps.push_back(write_step(kCommands, command(0x44, {}), WriteMode::with_response, "start (44)"));
  conv.steps.push_back(write_step(kCommands, command(0x17, {0x01}), WriteMode::with_response, "live weights (17)"));
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok() || !o.reading.weight_kg) return Verdict::ignore;
    if (!o.reading.stabilized) return Verdict::more;
    ctx.frames["weight"] = v.value;
    return Verdict::done;
  }));
  conv.steps.push_back(write_step(kCommands, command(0x10, {0x02}), WriteMode::with_response, "weight received (10 02)"));
  Step impedance = expect_step("impedance", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok() || !o.reading.impedance_ohm) return Verdict::ignore;
    ctx.frames["impedance"] = v.value;
    return Verdict::done;
  }, std::chrono::seconds(6));
  impedance.optional = true;  // in socks there is none
  conv.steps.push_back(impedance);
  conv.steps.push_back(action_step("the weighing", [](SessionContext& ctx) {
    DecodeOutcome w = decode_frame(ctx.frames["weight"]);
    if (!w.ok()) return;
    Bytes raw = ctx.frames["weight"];
    if (auto it = ctx.frames.find("impedance"); it != ctx.frames.end()) {
      w.reading.impedance_ohm = decode_frame(it->second).reading.impedance_ohm;
      raw.insert(raw.end(), it->second.begin(), it->second.end());
    }
    ctx.emit(w.reading, raw);
  }));
  conv.steps.push_back(write_step(kCommands, command(0x11, {0x00}), WriteMode::with_response, "impedance received (11 00)"));
  return conv;
}

// The VT701's side: after "start", live weights, the stable weight; after its acknowledgement,
// the impedance.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "vitafit-vt701";
  s.name = "Vitafit";
  s.default_address = "A4:C1:38:70:10:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v.size() < 4 || v[0] != 0xA5) return out;
    auto frame = [](std::uint8_t type, Bytes body) {
      Bytes f{0x5A, static_cast<std::uint8_t>(body.size() + 4), 0x26, type};
      f.insert(f.end(), body.begin(), body.end());
      f.push_back(xor8(ByteView(f).subspan(1)));
      f.push_back(0xAA);
      return f;
    };
    auto weight = [&](double kg, bool stable) {
      const auto w = static_cast<std::uint16_t>(std::lround(kg * 100));
      return frame(0x10, {static_cast<std::uint8_t>(stable ? 0x02 : 0x01), 0x00, 0x00, 0x21,
                          static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w)});
    };
    if (v[3] == 0x44) {
      out.push_back({std::chrono::milliseconds(300), kFrames, weight(o.weight_kg * 0.7, false)});
      out.push_back({std::chrono::milliseconds(700), kFrames, weight(o.weight_kg, false)});
      out.push_back({std::chrono::milliseconds(1100), kFrames, weight(o.weight_kg, true)});
    } else if (v[3] == 0x10 && o.impedance_ohm > 0) {
      const auto z = static_cast<std::uint16_t>(std::lround(o.impedance_ohm));
      out.push_back({std::chrono::milliseconds(800), kFrames,
                     frame(0x11, {0x00, 0x00, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(z >> 8), static_cast<std::uint8_t>(z)})});
    }
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kVitafitVt701 = {
    .id = kModel,
    .name = "Vitafit VT701 body-fat scale",
    .manufacturer = "Vitafit",
    .names = {"Vitafit"},
    .recognised_by = "name Vitafit…; service 0xFFF0, 5A .. 26 .. AA frames on 0xFFF1",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0xFFF1},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "hello, start and live weights on FFF2; the stable weight on FFF1, acknowledged; then the impedance",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "vitafit-vt701",
        .summary = "Vitafit VT701 (Vitafit): live and stable weights on FFF1 once started, then the impedance",
        .create = simulator,
    },
};

}  // namespace declouder
