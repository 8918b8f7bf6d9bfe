// Conversation: legacy MGB scales on 0xFFB0 (Swan, Icomon, YG; Lefu stock sold as Hutbit and
// SWAN; the FitTrack Dara), as the captures in ble-scale-sync hutbit.ts and openScale
// FitTrackDaraHandler.kt show the app's side (descriptor.cpp has the frames):
//   1. enable notifications on FFB2                                        <- safe point
//   2. on FFB1 (write without response), each as AC 02 b2 b3 b4 b5 CC <sum>:
//      F7 00 00 00, FA 00 00 00 (init), FB <sex 1 m / 2 f> <age> <height cm> (the person),
//      FD <year - 2000> <month> <day>, FC <hour> <minute> <second> (the local clock),
//      FE 06 <unit 0 kg / 1 lb / 2 st> 00
//   3. gate: step on the scale; CE frames while it settles, then CA: the weight, in tenths of
//      that unit
//   4. the impedance, when the scale measures it: AC 02 FD 01 <ohm u16 BE> CB after the weight
//      (FD 00 opens the measurement, FD FF = no contact); a scale that sends none is weight only
#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/icomon/protocol.hpp"

namespace declouder::mgb {
namespace {

const Uuid kCommands = Uuid::from16(0xFFB1);
const Uuid kFrames = Uuid::from16(icomon::kLiveCharacteristic);

bool is_stream_frame(ByteView b, std::uint8_t flag) { return b.size() == 8 && b[0] == 0xAC && b[1] == 0x02 && b[6] == flag; }

}  // namespace

Conversation conversation(const ConversationContext& c) {
  const WeightUnit unit = person_profile(c).unit;  // the unit the handshake sets
  Conversation conv;
  conv.name = "mgb";
  conv.pacing = std::chrono::milliseconds(50);  // the captured app leaves a gap between its commands
  Step subscribe = subscribe_step(kFrames, "enable notifications on FFB2");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  icomon::append_mgb_handshake(conv, c, false);
  conv.steps.push_back(gate_step("step on the scale", [unit](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kFrames) return Verdict::ignore;
    if (is_stream_frame(v.value, 0xCE)) return Verdict::more;  // settling
    if (!is_stream_frame(v.value, 0xCA) || !icomon::decode_mgb_stream(v.value, unit).ok()) return Verdict::ignore;
    ctx.frames["weight"] = v.value;
    return Verdict::done;
  }));
  Step impedance = expect_step("wait for the impedance (FD 01 … CB)", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kFrames || !is_stream_frame(v.value, 0xCB) || v.value[2] != 0xFD) return Verdict::ignore;
    if (v.value[3] == 0x00) return Verdict::more;  // measuring
    if (v.value[3] == 0x01) ctx.frames["impedance"] = v.value;
    return Verdict::done;                          // FD 01: the value; FD FF: no contact
  }, std::chrono::seconds(8));
  impedance.optional = true;
  conv.steps.push_back(impedance);
  conv.steps.push_back(action_step("one reading: the weight and its impedance", [unit](SessionContext& ctx) {
    DecodeOutcome w = icomon::decode_mgb_stream(ctx.frames["weight"], unit);
    if (!w.ok()) return;
    Reading r = w.reading;
    Bytes raw = ctx.frames["weight"];
    if (auto it = ctx.frames.find("impedance"); it != ctx.frames.end()) {
      DecodeOutcome z = icomon::decode_mgb_stream(it->second, unit);
      if (z.ok() && z.reading.impedance_ohm) r.impedance_ohm = z.reading.impedance_ohm;
      raw.insert(raw.end(), it->second.begin(), it->second.end());
    }
    ctx.emit(r, raw);
  }));
  return conv;
}

}  // namespace declouder::mgb
