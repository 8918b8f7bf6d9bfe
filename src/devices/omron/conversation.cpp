// Conversation: Omron WLC body-composition monitors (descriptor.cpp has the protocol and its
// sources). One conversation for the first connection (pairing) and every one after:
//   0. notifications on the unlock channel and the four response channels   <- safe point
//   1. the unlock channel: 01 <the kept key>, or 02 <zeros> when no key is kept (pairing)
//   2. its answers: 81 00 unlocked; 82 00 key programming: 00 <a new random key>, and 80 00
//      keeps it (in the device's memory, for every later connection). A kept key the scale
//      refuses (another app paired it since) starts pairing; a scale that is not in pairing
//      mode when it must pair ends the conversation, telling the person how to pair it
//   3. start a transfer session (08 00 …), answered 80 00
//   4. read the person's slot's 30 records, 32 bytes a read
//   5. each record newer than the newest one an earlier connection took is a reading,
//      oldest first, with the scale's time and the slot
//   6. end the session (08 0F …); the scale may hang up instead of answering
// The slot is the person's scale user (1-4), else the context's slot. These scales weigh on
// their own and keep the person's data themselves: nothing is written to them but the key.
#include <algorithm>
#include <limits>
#include <random>

#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/omron/protocol.hpp"

namespace declouder::omron {
namespace {

constexpr const char* kKeyKey = "omron_key";  // the key this scale was paired with
// The newest record taken from a slot, as the seconds of its wall clock read as UTC.
std::string newest_key(int slot) { return "omron_newest_slot" + std::to_string(slot); }

constexpr const char* kPhase = "omron unlock phase";
enum Phase : long long { unlocking = 1, programming = 2, writing_key = 3 };

const auto kAnswerTimeout = std::chrono::seconds(5);

Bytes random_key() {
  std::random_device rd;
  Bytes key(kKeySize);
  for (auto& b : key) b = static_cast<std::uint8_t>(rd());
  return key;
}

// Writes a command across the command channels and waits for the whole response.
Response transact(SessionContext& ctx, const Bytes& command, const char* what) {
  for (std::size_t i = 0, chunk = 0; i < command.size(); i += kChannelWidth, ++chunk) {
    const std::size_t n = std::min(kChannelWidth, command.size() - i);
    ctx.link.write(kCommand[chunk], ByteView(command).subspan(i, n), WriteMode::with_response);
  }
  std::array<std::optional<Bytes>, 4> parts;
  const auto deadline = GattLink::Clock::now() + kAnswerTimeout;
  while (auto v = ctx.link.next_value(deadline)) {
    if (ctx.handlers.on_gatt_value) ctx.handlers.on_gatt_value(*v);  // captures see every piece
    const auto at = std::find(kResponse.begin(), kResponse.end(), v->characteristic);
    if (at == kResponse.end()) continue;
    parts[static_cast<std::size_t>(at - kResponse.begin())] = v->value;
    if (!parts[0] || parts[0]->empty()) continue;
    const std::size_t length = (*parts[0])[0];
    const std::size_t channels = (length + kChannelWidth - 1) / kChannelWidth;
    if (channels > parts.size()) {
      parts = {};
      continue;
    }
    if (!std::all_of(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(channels),
                     [](const auto& p) { return p.has_value(); }))
      continue;
    Bytes frame;
    for (std::size_t i = 0; i < channels; ++i) frame.insert(frame.end(), parts[i]->begin(), parts[i]->end());
    parts = {};
    if (auto r = parse_response(frame)) return *r;
    // A corrupt frame: its command is not answered twice, so the deadline decides.
  }
  throw SessionError(std::string("the scale gave no valid answer to ") + what);
}

std::int64_t seconds_of(const Reading& r) { return unix_from_civil(r.device_time->civil); }

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  const std::shared_ptr<DeviceMemory> memory = c.memory ? c.memory : std::make_shared<DeviceMemory>();
  const std::optional<Model> model = model_for(c.advert.name);
  const int slot = person_profile(c).slot;

  Step unlock_channel = subscribe_step(kUnlock, "notifications on the unlock channel");
  unlock_channel.resume_here = true;
  conv.steps.push_back(unlock_channel);
  for (const Uuid& response : kResponse) conv.steps.push_back(subscribe_step(response, "notifications on a response channel"));

  conv.steps.push_back(action_step("the model's record layout and the slot", [model, slot](SessionContext&) {
    if (!model)
      throw SessionError("the scale's name is not one of the Omron models whose records are known (HBF-702T, "
                         "KRD-703T, HBF-222T/227T/228T/230T, BCM-500, VIVA): its records would be misread");
    if (slot < 1 || slot > static_cast<int>(model->profile->slot_base.size()))
      throw SessionError("an Omron scale has users 1 to 4: set the person's scale_user to one of them");
  }));

  conv.steps.push_back(write_step(kUnlock, [memory](SessionContext& ctx) {
    const auto key = memory->get(kKeyKey);
    ctx.counters[kPhase] = key ? unlocking : programming;
    return key ? unlock_command(*key) : key_programming_command();
  }, WriteMode::with_response, "unlock with the kept key (01), or ask for key programming (02)"));

  conv.steps.push_back(expect_step("the scale's answer on the unlock channel",
                                   [memory](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kUnlock || v.value.size() < 2) return Verdict::ignore;
    const std::uint16_t ack = be16(v.value.data());
    switch (ctx.counters[kPhase]) {
      case unlocking:
        if (ack == kAckUnlocked) return Verdict::done;
        if (ctx.tell) ctx.tell("the scale refused the kept key (paired with another app since?): pairing again");
        ctx.counters[kPhase] = programming;
        ctx.link.write(kUnlock, key_programming_command(), WriteMode::with_response);
        return Verdict::more;
      case programming:
        if (ack != kAckKeyProgramming)
          throw SessionError("the scale must be paired first: hold its Bluetooth button until the display "
                             "blinks \"P\", then connect again");
        ctx.frames["omron new key"] = random_key();
        ctx.counters[kPhase] = writing_key;
        ctx.link.write(kUnlock, write_key_command(ctx.frames["omron new key"]), WriteMode::with_response);
        return Verdict::more;
      case writing_key:
        if (ack != kAckKeyWritten) throw SessionError("the scale did not take the new pairing key");
        memory->put(kKeyKey, ctx.frames["omron new key"]);
        if (ctx.tell) ctx.tell("paired: the scale's key is kept for the next connections");
        return Verdict::done;
    }
    return Verdict::ignore;
  }, std::chrono::seconds(20)));

  conv.steps.push_back(action_step("start a transfer session", [](SessionContext& ctx) {
    if (transact(ctx, start_transmission(), "the start of a session").type != kTypeStart)
      throw SessionError("the scale refused a transfer session");
  }));

  conv.steps.push_back(action_step("read the slot's records", [model, slot](SessionContext& ctx) {
    const Profile& p = *model->profile;
    const std::uint16_t base = p.record_address(slot - 1, 0);
    const std::size_t length = p.record_size * static_cast<std::size_t>(p.records_per_slot);
    Bytes& records = ctx.frames["omron records"];
    records.clear();
    for (std::size_t at = 0; at < length; at += kMaxReadBlock) {
      const std::size_t n = std::min(kMaxReadBlock, length - at);
      const auto address = static_cast<std::uint16_t>(base + at);
      const Response r = transact(ctx, read_eeprom(address, n), "a memory read");
      if (r.type != kTypeRead || r.address != address) throw SessionError("the scale answered another memory read");
      Bytes part = r.data;
      part.resize(n, 0xFF);  // a short answer reads as erased memory, so later records keep their place
      records.insert(records.end(), part.begin(), part.end());
    }
  }));

  const std::optional<MacAddress> address = c.advert.address;
  conv.steps.push_back(action_step("take the records not taken before", [model, slot, memory, address](SessionContext& ctx) {
    const Profile& p = *model->profile;
    const Bytes& records = ctx.frames["omron records"];
    std::vector<std::pair<Reading, Bytes>> found;
    for (std::size_t at = 0; at + p.record_size <= records.size(); at += p.record_size) {
      const Bytes raw(records.begin() + static_cast<std::ptrdiff_t>(at),
                      records.begin() + static_cast<std::ptrdiff_t>(at + p.record_size));
      DecodeOutcome o = decode_record(raw, p);
      if (o.ok()) found.emplace_back(o.reading, raw);
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return seconds_of(a.first) < seconds_of(b.first); });
    std::int64_t newest = std::numeric_limits<std::int64_t>::min();
    if (const auto kept = memory->get(newest_key(slot)); kept && kept->size() == 8)
      newest = static_cast<std::int64_t>(le32(kept->data()) | (static_cast<std::uint64_t>(le32(kept->data() + 4)) << 32));
    int taken = 0;
    for (auto& [reading, raw] : found) {
      if (seconds_of(reading) <= newest) continue;
      reading.user_slot = slot;
      reading.address = address;
      ctx.emit(reading, raw);
      ++taken;
    }
    if (!found.empty() && seconds_of(found.back().first) > newest) {
      Bytes kept;
      const auto s = static_cast<std::uint64_t>(seconds_of(found.back().first));
      put_u32le(kept, static_cast<std::uint32_t>(s));
      put_u32le(kept, static_cast<std::uint32_t>(s >> 32));
      memory->put(newest_key(slot), kept);
    }
    if (ctx.tell)
      ctx.tell(taken ? std::to_string(taken) + " new record(s) in user " + std::to_string(slot) + "'s memory"
                     : "no new records in user " + std::to_string(slot) + "'s memory");
  }));

  conv.steps.push_back(action_step("end the session", [](SessionContext& ctx) {
    try {
      transact(ctx, end_transmission(), "the end of the session");
    } catch (const std::exception&) {  // the scale may hang up instead of answering
    }
  }));
  return conv;
}

}  // namespace declouder::omron
