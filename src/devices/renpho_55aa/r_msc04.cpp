// Renpho R-MSC04 ("MorphoScan"): the `55 AA` frames (protocol.hpp), asked over GATT; weight only.
//
// It advertises the name "R-MSC04" and service 0x1A10, as the ES-CS20M does, but speaks other
// commands, so it is told apart by its name (the ES-CS20M family leaves it alone):
//   app   55 AA 90 00 04 01 00 00 00 94 on 0x2A11, without response    start (the ES-CS20M's own)
//   scale 0x21 live weights on notify 0x2A10:   55 AA 21 00 05 01 00 00 25 5D A8 = 95.65 kg
//   scale 0x24 the settled weight on indicate 0x2A12: 55 AA 24 00 06 01 11 00 00 25 53 B3 = 95.55 kg
// In both the weight is the payload's last two bytes, u16 BE, kg x 100. The body composition
// (a 0x26 record dump behind a b0/b3/b2/b7/b8 handshake) has no public layout and is not asked
// for; declouder's own formulas have no impedance to work from either.
//
// Why a family of its own: with the ES-CS20M conversation it subscribed, waited and hung up with
// no weight (ble-scale-sync #265), because its result comes as 0x24 on 0x2A12.
//
// Sources: ble-scale-sync src/scales/renpho-msc04.ts and tests/scales/renpho-msc04.test.ts (the
// two frames above), written from the reporter's PacketLogger capture (#117, pull request #256,
// reviewed there against #265 and the sibling R-MSC02 report #230). Re-implemented from those
// facts; no code copied.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/renpho_55aa/protocol.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "renpho-r-msc04";
using namespace renpho_55aa;
const Uuid kResult = Uuid::from16(0x2A12);
constexpr std::uint8_t kLive = 0x21, kFinal = 0x24;
const Bytes kStart{0x55, 0xAA, 0x90, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x94};

DecodeOutcome decode_frame(ByteView b) {
  const Parsed f = parse(b);
  if (!f.ok()) return f.error;
  if (f.command != kLive && f.command != kFinal)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "an R-MSC04 frame other than a weight (0x21, 0x24)");
  if (f.payload.size() < 2) return DecodeOutcome::reject(DecodeStatus::wrong_length, "no weight in the payload");
  const unsigned centi_kg = be16(&f.payload[f.payload.size() - 2]);
  if (centi_kg < 50 || centi_kg > 30000)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "weight outside 0.5-300 kg");
  Reading r;
  r.model = kModel;
  r.weight_kg = centi_kg / 100.0;
  r.stabilized = f.command == kFinal;
  return DecodeOutcome::success(r);
}

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames && v.characteristic != kResult)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0x2A10 or 0x2A12");
  if (!v.device_name.empty() && !decode_util::equals_ci(v.device_name, "R-MSC04"))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "an R-MSC04 is named R-MSC04");
  return decode_frame(v.value);
}

bool claims(const Advertisement& adv) { return decode_util::equals_ci(adv.name, "R-MSC04"); }

Conversation conversation(const ConversationContext&) {
  Conversation conv;
  conv.name = kModel;
  Step live = subscribe_step(kFrames, "notifications on 2A10 (live weights)");
  live.resume_here = true;
  conv.steps.push_back(live);
  conv.steps.push_back(subscribe_step(kResult, "indications on 2A12 (the settled weight)"));
  conv.steps.push_back(write_step(kCommands, kStart, WriteMode::without_response, "start (55 AA 90 on 2A11)"));
  conv.steps.push_back(gate_step("step on the scale", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kResult) return Verdict::ignore;  // live weights: progress only
    return emit_when_final(decode_frame(v.value), v, ctx, Verdict::ignore);
  }));
  return conv;
}

// The scale's side: once started, live weights on 2A10 climbing to the weight, then the settled
// weight on 2A12, with the payloads laid out as in the captured frames.
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = kModel;
  s.name = "R-MSC04";
  s.default_address = "C4:2A:C4:04:00:01";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWriteWithoutResponse | kWrite, {}}, {kResult, kIndicate, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    if (c != kCommands || v != kStart) return out;
    auto weight = [](double kg) { return static_cast<std::uint16_t>(std::lround(kg * 100)); };
    auto live = [&](double kg) {
      Bytes p{0x01, 0x00, 0x00};
      put_u16be(p, weight(kg));
      return renpho_55aa::frame(kLive, p);
    };
    Bytes settled{0x01, 0x11, 0x00, 0x00};
    put_u16be(settled, weight(o.weight_kg));
    out.push_back({std::chrono::milliseconds(300), kFrames, live(o.weight_kg * 0.8)});
    out.push_back({std::chrono::milliseconds(700), kFrames, live(o.weight_kg)});
    out.push_back({std::chrono::milliseconds(1200), kResult, renpho_55aa::frame(kFinal, settled)});
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kRenphoRMsc04 = {
    .id = kModel,
    .name = "Renpho R-MSC04 (MorphoScan; the 55 AA protocol, weight only)",
    .manufacturer = "Renpho",
    .names = {"R-MSC04"},
    .recognised_by = "name R-MSC04 (service 0x1A10); 55 AA 0x21 live weights on 0x2A10, the 0x24 settled one on 0x2A12",
    .reports = {"weight_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0x2A10, 0x2A12},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "start (55 AA 90) on 2A11 without response; live weights on 2A10, the settled one (0x24) on 2A12",
        .build = conversation,
    },
    .simulator = DeviceSimulator{
        .name = "renpho-r-msc04",
        .summary = "Renpho R-MSC04: once started, 0x21 live weights on 2A10, then the 0x24 settled weight on 2A12",
        .create = simulator,
    },
};

}  // namespace declouder
