// The ICOMON "AC 27" scales: the Taylor 5331891 BIA bathroom scale ("Taylor Body Composition
// Bathroom Scale"), the ALPHA Smart Scale PRO 3 (SCP-03, advertised as MY_SCALE) and the Runstar
// R5. They have the GATT layout of the legacy MGB family (service 0xFFB0, commands on 0xFFB1,
// notifications on 0xFFB2) with frames of their own, which is why the mgb and icomon-ffb0
// families must leave them alone (they claim any 0xFFB0 device; devices/ffb0_families.hpp names
// the scales that are not theirs). MGBHandler claimed the ALPHA by its service and never got a
// weighing out of it (openScale issue #1358, pull request #1534); openScale's Runstar R5 handler
// logged a real R5's AC 27 frames as "Unhandled" (openScale issue #1443).
//
// Names: "5331891 BIA Scale" (openScale matches "5331891…" or "…BIA SCALE…", any case);
// "MY_SCALE" (pull request #1534); "RUNSTAR-R5" and "RUNSTAR-RX" (openScale RunstarR5Handler.kt).
// App -> scale on 0xFFB1 (write with response), the MGB commands AC 02 b2 b3 b4 b5 CC <sum>,
// sum = (b2 + b3 + b4 + b5 + CC) & 0xFF: F7 00 00 00, FA 00 00 00, FB <sex 1 m / 2 f> <age>
// <height cm>, FD <year - 2000> <month> <day>, FC <hour> <minute> <second>, FE 06 <unit 0 kg /
// 1 lb / 2 st> 00. The scale streams only after this handshake. The ALPHA's and the R5's logs
// in #1358 and #1443 show the same commands (AC 02 FB 01 38 B4 CC B4, AC 02 FD 1A 04 1C CC 03).
// Scale -> app on 0xFFB2, 20 bytes:
//   AC 27 <flag> <w2> <w1> <w0> 02 00 <00|30> 01 00 00 00 00 00 00 00 <24|02> D5 <check>
//   flag 00 live, 80 locked. w2 w1 w0 is ICOMON's packed weight: grams in its low 18 bits, the
//   display precision in the bits above (the Insmart scale's native library, disassembled in
//   openScale issue #593: weight = value & 0x3FFFF, kg precision (value >> 18) & 7, lb precision
//   (value >> 21) & 7). The Taylor's top byte is 8C (8D from 65.536 kg), the ALPHA's and the
//   R5's 68 (69), which is why openScale's R5 handler subtracts a "base" of 0x680000.
//   w = 0 is the idle frame (nobody on the scale).
//   Summary, once a Taylor reading locks: AC 27 01 00 02 <idx> 01 80 <w2> <w1> <w0> 00 …: the
//   locked weight again at bytes 8..10.
// The weight is grams whatever the display shows: the Taylor capture's locked frame AC 27 80 8D
// 2F 52 is 77.650 kg, the user's 171.2 lb weigh-in (and 8D 32 40 = 78.400 kg, the app's 173.0
// lb). The ALPHA's live frames AC 27 00 68 E3 62 … and AC 27 00 69 5B C6 … (#1358) are 58.210 kg
// and 89.030 kg as the person stepped on (#1534 quotes 88 970 g for that scale's user).
// In practice the Taylor seldom sends the locked or summary frame: the live value plateaus,
// repeating verbatim once the person stands still, so the conversation takes a weight seen four
// times in a row as final (as openScale does), or a locked frame when one comes.
// No impedance is decoded: the Taylor sends none, and the layout of the ALPHA's result frame
// with impedance (#1534) is not public here. No user slot either: a weighing is whoever stands
// on it. The last byte's rule is not published; it is not checked.
//
// Vectors: openScale TaylorBIAHandlerTest.kt, bytes 3..5 of real frames from the btsnoop
// captures of openScale pull request #1393 (77.650 kg, 78.400 kg, the idle frame) and two
// constructed values (8D 00 00 = 65.536 kg, 8C 9C 40 = 40.000 kg); the frames around them in
// our tests are completed from the layout above. The ALPHA's two live frames of openScale issue
// #1358 and the R5's idle frame of #1443, whole, as logged.
//
// Sources: openScale TaylorBIAHandler.kt, TaylorBIAHandlerTest.kt, RunstarR5Handler.kt; openScale
// pull requests #1393 and #1534, issues #593, #1358 and #1443. Re-implemented from these facts;
// no code copied.
#include "devices/conversation_util.hpp"
#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/taylor_bia/protocol.hpp"

namespace declouder::taylor_bia {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

bool has_name(std::string_view name) {
  using decode_util::equals_ci;
  return decode_util::starts_with_ci(name, "5331891") || decode_util::contains_ci(name, "BIA SCALE") ||
         equals_ci(name, "MY_SCALE") || equals_ci(name, "RUNSTAR-R5") || equals_ci(name, "RUNSTAR-RX");
}

namespace {

std::uint32_t grams_at(ByteView b, std::size_t at) { return *u24be_at(b, at) & kGramsMask; }

bool claims(const Advertisement& adv) { return has_name(adv.name); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != Uuid::from16(kFrameCharacteristic))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0xFFB2");
  return decode_frame(v.value);
}

}  // namespace

std::uint32_t frame_grams(ByteView b) {
  if (b.size() != kFrameSize || b[0] != 0xAC || b[1] != 0x27) return 0;
  return grams_at(b, b[2] == kFlagSummary && b[3] == 0x00 ? 8 : 3);
}

DecodeOutcome decode_frame(ByteView b) {
  if (b.size() < 2 || b[0] != 0xAC || b[1] != 0x27)
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "AC 27 frames start with AC 27");
  if (b.size() != kFrameSize) return DecodeOutcome::reject(DecodeStatus::wrong_length, "AC 27 frames are 20 bytes");
  const std::uint8_t flag = b[2];
  const bool summary = flag == kFlagSummary && b[3] == 0x00;
  if (!summary && flag != kFlagLive && flag != kFlagLocked)
    return DecodeOutcome::reject(DecodeStatus::unsupported_frame, "unknown AC 27 frame flag (00 live, 80 locked, 01 summary)");
  const std::uint32_t grams = grams_at(b, summary ? 8 : 3);
  if (grams == 0) return DecodeOutcome::reject(DecodeStatus::invalid_value, "zero weight (the idle frame: nobody on the scale)");
  Reading r;
  r.model = kModel;
  decode_util::set_weight(r, grams / 1000.0, WeightUnit::kg);
  r.stabilized = flag != kFlagLive;
  return DecodeOutcome::success(r);
}

}  // namespace declouder::taylor_bia

namespace declouder {

extern const DeviceDescriptor kTaylorBia = {
    .id = taylor_bia::kModel,
    .name = "Taylor 5331891 BIA, ALPHA Smart Scale PRO 3 and Runstar R5 (ICOMON AC 27 frames)",
    .manufacturer = "Taylor, ALPHA, Runstar",
    .names = {"5331891 BIA Scale", "MY_SCALE", "RUNSTAR-R5", "RUNSTAR-RX"},
    .recognised_by = "names 5331891…, …BIA SCALE…, MY_SCALE, RUNSTAR-R5, RUNSTAR-RX; 20-byte AC 27 frames on 0xFFB2 "
                     "(service 0xFFB0)",
    .reports = {"weight_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {taylor_bia::kFrameCharacteristic},
    .claims = taylor_bia::claims,
    .decode_gatt = taylor_bia::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "the MGB handshake on FFB1 (the person, the clock, the unit), then AC 27 weights on FFB2 until "
                   "one locks or repeats four times",
        .build = taylor_bia::conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = taylor_bia::kModel,
        .summary = "Taylor 5331891 BIA: after the handshake, the idle frame, a rising weight in grams, its plateau, "
                   "then the locked frame",
        .create = taylor_bia::simulator,
    },
};

}  // namespace declouder
