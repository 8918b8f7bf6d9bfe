// Renpho ES-CS20M and ES-32MD (also sold as "113360_…"): the `55 AA` frames (protocol.hpp),
// asked over GATT with the person, for a body-composition result.
//
// The conversation, as the Renpho app holds it:
//   app 0x97 <01 00 00> <unix time u32 BE> <01 06>          the time;        scale 0x17
//   app 0x96 <sex: 0x11 male, 0x21 female> <birth year u16 BE> <month> <day> <height mm u16 BE>
//            00 00 <reference weight u16 BE, kg x 100> <0xAA, or 0x6A for an athlete> 01 05
//                                                            the person;      scale 0x16 (01 ok)
//   app 0x90 <01 00 01 00>                                   start;           scale 0x10, 0x11 (01)
//   scale 0x14 live weights, then 0x19 interim results (answered 0x99 01 and 0x96 again) and the
//   0x18 result: weight and two resistances (the first is the impedance the body-composition
//   formulas take; the second is kept raw); the app saves it twice with 0x96; scale 0x11 (00) stop.
//
// Tests: frames built from the layout and every frame of ble-scale-sync's tests/scales/es-cs20m.test.ts
// (constructed by its authors, not captured; framed as 55 AA frames where it left the header out).
// Sources: openScale scales/ESCS20MHandler.kt (the commands, their constant bytes, the result
// offsets). Re-implemented from those facts.
#include <algorithm>
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/renpho_55aa/protocol.hpp"
#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

constexpr const char* kModel = "renpho-es-cs20m";
using namespace renpho_55aa;

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != kFrames) return DecodeOutcome::reject(DecodeStatus::not_this_device, "not 0x2A10");
  return renpho_55aa::decode(v.value, kModel);
}

bool named(const Advertisement& adv) {
  using decode_util::contains_ci;
  return contains_ci(adv.name, "ES-CS20M") || contains_ci(adv.name, "ES-32MD") || decode_util::starts_with_ci(adv.name, "113360_");
}
// The ESCS20MB2 revision advertises no name and no service: only 12 bytes under company 0x1A10
// that carry its own address at 4-9, in either byte order. From CF:EA:02:07:2C:87:
// 00 04 00 31 CF EA 02 07 2C 87 01 09 (ble-scale-sync tests/scales/es-cs20m.test.ts,
// "byte-for-byte from the reporter's capture", issue #376). The company id alone is not enough:
// unrelated nameless devices use it too (ble-scale-sync #235, #318, #320). Its reporter weighed
// with the ES-CS20M protocol once the adapter was forced: only the claim missed it (#376).
bool anonymous_revision(const Advertisement& adv) {
  const Bytes* d = adv.manufacturer_data_for(0x1A10);
  if (!d || d->size() != 12 || !adv.address) return false;
  const auto& a = adv.address->bytes;
  const auto at = d->begin() + 4;
  return std::equal(a.begin(), a.end(), at) || std::equal(a.rbegin(), a.rend(), at);
}

// A 0x1A10 scale of another name is this one too, except the ES-26BB-B (a simpler conversation)
// and the R-MSC04 (other commands; r_msc04.cpp).
bool claims(const Advertisement& adv) {
  const bool other = decode_util::equals_ci(adv.name, "ES-26BB-B") || decode_util::equals_ci(adv.name, "R-MSC04");
  return named(adv) || (adv.advertises_service(0x1A10) && !other) || anonymous_revision(adv);
}

Bytes person_frame(const ConversationContext& c, std::uint16_t reference_centi_kg) {
  const CivilTime birth = c.person ? c.person->birth_date : CivilTime{1990, 1, 1, 0, 0, 0};
  const int height_mm = c.person ? static_cast<int>(std::lround(c.person->height_cm * 10)) : 1700;
  Bytes p{static_cast<std::uint8_t>(c.person && c.person->sex == Sex::female ? 0x21 : 0x11)};
  put_u16be(p, static_cast<std::uint16_t>(birth.year));
  put_u8(p, static_cast<std::uint8_t>(birth.month));
  put_u8(p, static_cast<std::uint8_t>(birth.day));
  put_u16be(p, static_cast<std::uint16_t>(height_mm));
  put_u16be(p, 0);
  put_u16be(p, reference_centi_kg);
  for (std::uint8_t b : {0xAA, 0x01, 0x05}) put_u8(p, b);
  return frame(0x96, p);
}

// Waits for a frame of `command` (its payload's first byte `first`, when given).
Step expect_frame(std::string label, std::uint8_t command, std::optional<std::uint8_t> first = std::nullopt) {
  return expect_step(std::move(label), [command, first](const GattValue& v, SessionContext&) {
    if (v.characteristic != kFrames) return Verdict::ignore;
    const Parsed f = parse(v.value);
    if (!f.ok() || f.command != command) return Verdict::ignore;
    if (first && (f.payload.empty() || f.payload[0] != *first)) return Verdict::fail;
    return Verdict::done;
  });
}

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  Step subscribe = subscribe_step(kFrames, "notifications on 2A10");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  Bytes time{0x01, 0x00, 0x00};
  put_u32be(time, static_cast<std::uint32_t>(c.unix_now));
  time.push_back(0x01), time.push_back(0x06);
  conv.steps.push_back(write_step(kCommands, frame(0x97, time), WriteMode::with_response, "the time (0x97)"));
  conv.steps.push_back(expect_frame("time written (0x17)", 0x17));
  conv.steps.push_back(write_step(kCommands, person_frame(c, 0), WriteMode::with_response, "the person (0x96)"));
  conv.steps.push_back(expect_frame("person accepted (0x16 01)", 0x16, 0x01));
  conv.steps.push_back(write_step(kCommands, frame(0x90, Bytes{0x01, 0x00, 0x01, 0x00}), WriteMode::with_response, "start (0x90)"));
  const ConversationContext context = c;
  conv.steps.push_back(gate_step("step on the scale, barefoot", [context](const GattValue& v, SessionContext& ctx) {
    const Parsed f = parse(v.value);
    if (v.characteristic != kFrames || !f.ok()) return Verdict::ignore;
    if (f.command == 0x19) {  // interim: acknowledged, and the person again
      ctx.link.write(kCommands, frame(0x99, Bytes{0x01}), WriteMode::with_response);
      ctx.link.write(kCommands, person_frame(context, 0), WriteMode::with_response);
      return Verdict::more;
    }
    if (f.command == 0x18) {
      DecodeOutcome o = decode_gatt(v);
      if (!o.ok()) return Verdict::fail;
      o.reading.address = v.address;
      ctx.emit(o.reading, v.value);
      ctx.frames["result"] = v.value;
      return Verdict::done;
    }
    if (f.command == 0x11 && !f.payload.empty() && f.payload[0] == 0x00) {  // stopped without a result
      if (const Bytes* last = ctx.frames.count("weight") ? &ctx.frames["weight"] : nullptr) {
        DecodeOutcome o = decode_gatt(GattValue{kFrames, *last, {}, v.address, 0});
        o.reading.stabilized = true;  // the scale ended the weighing on it
        if (o.ok()) ctx.emit(o.reading, *last);
      }
      return Verdict::done;
    }
    if (f.command == 0x14) ctx.frames["weight"] = v.value;
    return Verdict::more;
  }));
  conv.steps.push_back(action_step("save the result", [context](SessionContext& ctx) {
    auto it = ctx.frames.find("result");
    if (it == ctx.frames.end()) return;
    const DecodeOutcome o = renpho_55aa::decode(it->second, kModel);
    const auto w = static_cast<std::uint16_t>(std::lround(o.reading.weight_kg.value_or(0) * 100));
    for (int i = 0; i < 2; ++i) ctx.link.write(kCommands, person_frame(context, w), WriteMode::with_response);
  }));
  return conv;
}

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) {
  ScriptedScale s;
  s.kind = "renpho-es-cs20m";
  s.name = "ES-CS20M";
  s.default_address = "C8:B2:1E:20:00:20";
  s.advertised_services = {kService};
  s.services = {{kService, {{kFrames, kNotify, {}}, {kCommands, kWrite, {}}}}};
  s.on_write = [](const Uuid& c, const Bytes& v, const SimOptions& o) {
    std::vector<ScriptedFrame> out;
    const Parsed f = parse(v);
    if (c != kCommands || !f.ok()) return out;
    using std::chrono::milliseconds;
    const auto w = static_cast<std::uint32_t>(std::lround(o.weight_kg * 100));
    if (f.command == 0x97) out.push_back({milliseconds(100), kFrames, frame(0x17, Bytes{0x01})});
    if (f.command == 0x96 && f.payload.size() >= 11 && be16(&f.payload[9]) == 0)
      out.push_back({milliseconds(100), kFrames, frame(0x16, Bytes{0x01})});
    if (f.command == 0x90) {
      out.push_back({milliseconds(100), kFrames, frame(0x10, Bytes{0x00})});
      out.push_back({milliseconds(200), kFrames, frame(0x11, Bytes{0x01})});
      for (int i = 1; i <= 3; ++i) {
        Bytes p{0x00};
        put_u32be(p, w * static_cast<std::uint32_t>(6 + i) / 9);
        put_u16be(p, 0);
        out.push_back({milliseconds(300 * i + 200), kFrames, frame(0x14, p)});
      }
      Bytes r{0x00, 0x00, 0x00, 0x00, 0x00};
      put_u16be(r, static_cast<std::uint16_t>(w));
      put_u16be(r, static_cast<std::uint16_t>(std::lround(o.impedance_ohm)));
      put_u16be(r, static_cast<std::uint16_t>(std::lround(o.impedance_ohm * 1.1)));
      out.push_back({milliseconds(1800), kFrames, frame(0x18, r)});
      out.push_back({milliseconds(2600), kFrames, frame(0x11, Bytes{0x00})});
    }
    return out;
  };
  return scripted_simulator(std::move(s), options);
}

}  // namespace

extern const DeviceDescriptor kRenphoEsCs20m = {
    .id = kModel,
    .name = "Renpho ES-CS20M, ES-32MD (the 55 AA protocol, with the person)",
    .manufacturer = "Renpho",
    .names = {"ES-CS20M", "ES-32MD", "113360_"},
    .recognised_by = "names ES-CS20M, ES-32MD, 113360_…, or service 0x1A10 (not ES-26BB-B, R-MSC04), or nameless with its "
                     "own address in company 0x1A10 data (ESCS20MB2); 55 AA frames on 0x2A10",
    .reports = {"weight_kg", "impedance_ohm"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {0x2A10},
    .claims = claims,
    .decode_gatt = decode_gatt,
    .conversation = DeviceConversation{
        .summary = "time (0x97) and the person (0x96) on 2A11, start (0x90); weights and the 0x18 result on 2A10",
        .build = conversation,
        .needs_person = true,
    },
    .simulator = DeviceSimulator{
        .name = "renpho-es-cs20m",
        .summary = "Renpho ES-CS20M: 55 AA time, person and start answered; live weights and a 0x18 result on 2A10",
        .create = simulator,
    },
};

}  // namespace declouder
