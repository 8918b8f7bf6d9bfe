// Conversation: Xiaomi Mi Smart Scale (v1) history download (after openScale's
// MiScaleHandler.kt). History characteristic 00002a2f-0000-3512-2118-0009af100700
// under service 0x181D.
//   1. write the magic 01 96 8A BD 62                                  <- safe point
//   2. enable notifications on the history characteristic
//   3. write 01 FF FF <uid BE>: only the records new for this user id
//   4. write 02: start the transfer
//   5. wait for the count frame 01 <count> ...
//   6. collect 10-byte records (split across notifications: reassembled) until a single 03
//   7. write 03 (end seen), 8. write 04 FF FF <uid BE> (acknowledge: no longer new)
// The records are acknowledged only after they were all received, so a download cut by a
// disconnect is simply repeated from step 1 (records already emitted are not emitted twice).
#include "devices/descriptor.hpp"
#include "devices/xiaomi_mi_scale/protocol.hpp"

namespace declouder {
namespace {

const Uuid kHistory = *Uuid::parse("00002a2f-0000-3512-2118-0009af100700");

// A history record has the advertisement's layout, so the advert decoder reads it.
std::optional<Reading> decode_record(ByteView record) {
  DecodeOutcome o = mi_scale::decode_frame(record, mi_scale::ObjectBit::ignored);
  if (!o.ok()) return std::nullopt;
  return o.reading;
}

}  // namespace

namespace mi_scale {

Conversation conversation(const ConversationContext& p) {
  const std::uint8_t uh = static_cast<std::uint8_t>(p.user.app_user_id >> 8), ul = static_cast<std::uint8_t>(p.user.app_user_id);
  Conversation c;
  c.name = "mi-scale-history";
  Step magic = write_step(kHistory, Bytes{0x01, 0x96, 0x8A, 0xBD, 0x62}, WriteMode::with_response, "write the magic");
  magic.resume_here = true;
  c.steps.push_back(magic);
  c.steps.push_back(subscribe_step(kHistory, "enable notifications on the history characteristic"));
  c.steps.push_back(write_step(kHistory, Bytes{0x01, 0xFF, 0xFF, uh, ul}, WriteMode::with_response,
                               "ask for the records new for this user"));
  c.steps.push_back(write_step(kHistory, Bytes{0x02}, WriteMode::with_response, "start the transfer"));
  c.steps.push_back(expect_step("wait for the record count", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kHistory || v.value.size() < 2 || v.value.size() == 10 || v.value[0] != 0x01)
      return Verdict::ignore;
    ctx.counters["expected"] = v.value[1];
    ctx.buffer.clear();
    return Verdict::done;
  }));
  c.steps.push_back(expect_step("collect the records", [](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kHistory) return Verdict::ignore;
    if (v.value.size() == 1 && v.value[0] == 0x03 && ctx.buffer.size() % 10 == 0) return Verdict::done;
    ctx.buffer.insert(ctx.buffer.end(), v.value.begin(), v.value.end());
    while (ctx.buffer.size() >= 10) {
      Bytes record(ctx.buffer.begin(), ctx.buffer.begin() + 10);
      ctx.buffer.erase(ctx.buffer.begin(), ctx.buffer.begin() + 10);
      long long& seen = ctx.counters["seen " + to_hex(record)];
      if (seen++) continue;  // already emitted before a reconnect
      if (auto r = decode_record(record)) {
        r->address = v.address;
        ctx.emit(*r, record);
      }
    }
    return Verdict::more;
  }, std::chrono::seconds(15)));
  c.steps.push_back(write_step(kHistory, Bytes{0x03}, WriteMode::with_response, "confirm the end of the transfer"));
  c.steps.push_back(write_step(kHistory, Bytes{0x04, 0xFF, 0xFF, uh, ul}, WriteMode::with_response,
                               "acknowledge the records"));
  return c;
}

}  // namespace mi_scale
}  // namespace declouder
