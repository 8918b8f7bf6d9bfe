// Renpho ES-26BB-B: the `55 AA` frames (protocol.hpp), asked over GATT.
//
// The app subscribes to 0x2A10 and writes 55 AA 90 00 04 01 00 00 00 94 (start); the scale sends
// its info (0x11), live weights (0x14) until the final one (type 0x01 or 0x11), and weighings it
// stored while nobody listened (0x15), each answered 55 AA 95 00 01 01 <sum>. A stored weighing
// is kept as a reading without a device time: its age in seconds is relative to when it was
// heard, which the frame alone cannot place.
//
// Tests: frames built from the layout and every frame of ble-scale-sync's tests/scales/renpho-es26bb.test.ts
// (constructed by its authors, not captured; framed as 55 AA frames where it left the header out).
// Sources: openScale scales/RenphoES26BBHandler.kt. Re-implemented from those facts.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/renpho_55aa/protocol.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "renpho-es26bb";
using namespace renpho_55aa;
const Bytes kStart{0x55, 0xAA, 0x90, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x94};

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0x2A10");
  return renpho_55aa::decode(v.value, kModel);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "ES-26BB-B"); }

Conversation conversation(const ConversationContext&) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on 2A10");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  conv.steps.push_back(write_step(kCommands, kStart, WriteMode::with_response, "start (55 AA 90)"));
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode_gatt(v);
    if (!o.ok()) return Verdict::ignore;
    o.reading.address = v.address;
    if (renpho_55aa::parse(v.value).command == 0x15) {  // stored while nobody listened: keep, acknowledge
      ctx.emit(o.reading, v.value);
      const Bytes ack = renpho_55aa::frame(0x95, Bytes{0x01});
      ctx.link.write(kCommands, ack, WriteMode::with_response);
      return Verdict::more;
    }
    if (!o.reading.stabilized) return Verdict::more;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  return conv;
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
      return renpho_55aa::frame(0x14, p);
    };
    out.push_back({std::chrono::milliseconds(200), kFrames, renpho_55aa::frame(0x11, Bytes{0x01, 0x01, 0x01, 0x00, 0x00})});
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
    .manufacturer = "Renpho",
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
