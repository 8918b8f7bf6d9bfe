// Conversation: Weight Gurus 0376 (descriptor.cpp has the protocol and its sources).
// One conversation for the first connection in pairing mode and every one after:
//   0. indications on 0x8A24 (weight) and 0x8A22 (composition)                 <- safe point
//   1. indications on 0x8A82 (events)
//   2. A0 <password> (pairing mode: kept in the device's memory) or A1 <random>; a random with
//      no password kept fails, telling the person to put the scale in pairing mode
//   3. pairing only: 21 <account id>; A1 -> 20; the eight 83 slot frames, silent until the last;
//      then 03 (the person's name in their slot), 51 (their profile), 02, 22; the scale commits
//      and hangs up (we wait for it: hanging up first breaks the commit); the runner reconnects
//      and starts again at 0, where the paired scale sends A1
//   4. 20 <random XOR password>, 02 <the local wall clock>, and 51 again when the person is known
//   5. gate: the first weighing (a stable weight frame, with its composition frame when the
//      status announces one, matched by time)
//   6. every further weighing it queued, until 3 s pass without a frame or the scale hangs up
// The person's slot: their scale_user; else the one the pairing registered (kept); else, at
// pairing, a slot already carrying their name, else the lowest free one.
#include <set>

#include "devices/conversation_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/weight_gurus_a3/protocol.hpp"

namespace declouder::weight_gurus {
namespace {

const Uuid kWeight = Uuid::from16(kWeightCharacteristic);
const Uuid kComposition = Uuid::from16(kCompositionCharacteristic);
const Uuid kCommands = Uuid::from16(transtek::kCommandCharacteristic);
const Uuid kEvents = Uuid::from16(transtek::kEventCharacteristic);

constexpr const char* kPairing = "weight gurus pairing";
constexpr auto kQuiet = std::chrono::seconds(3);           // the backlog: five weighings came in 2.4 s
constexpr auto kCommitWait = std::chrono::seconds(15);      // openScale's fallback before it hangs up
constexpr auto kPairingStepWait = std::chrono::seconds(10);

bool is_event(const GattValue& v, std::uint8_t op, std::size_t size) {
  return v.characteristic == kEvents && v.value.size() >= size && v.value[0] == op;
}

// The weighings of one conversation: a weight frame that announces a composition frame waits for
// the one with its time; anything else, or the end, lets it go without. A weighing whose time
// was already given in this conversation is not given twice.
class Weighings {
 public:
  // The number of weighings `v` completed (0 for an unstable weight, a frame of another kind).
  int take(const GattValue& v, SessionContext& ctx) {
    if (v.characteristic == kWeight) {
      DecodeOutcome o = decode_weight(v.value);
      if (!o.ok()) return 0;
      int n = flush(ctx);
      if (!o.reading.stabilized) return n;  // still settling
      o.reading.address = v.address;
      const auto frame = transtek::parse_weight_frame(v.value);
      if (frame && frame->composition_follows() && frame->time) {
        pending_ = Pending{o.reading, v.value, *frame->time};
        return n;
      }
      return n + give(o.reading, v.value, ctx);
    }
    if (v.characteristic == kComposition && pending_) {
      const std::optional<Composition> c = parse_composition(v.value);
      if (!c) return 0;
      if (c->time != pending_->time) return flush(ctx);  // not this weighing's
      add_composition(pending_->reading, *c);
      return flush(ctx);
    }
    return 0;
  }
  int flush(SessionContext& ctx) {
    if (!pending_) return 0;
    Pending p = std::move(*pending_);
    pending_.reset();
    return give(p.reading, p.raw, ctx);
  }

 private:
  struct Pending {
    Reading reading;
    Bytes raw;
    std::uint32_t time = 0;
  };
  int give(const Reading& r, const Bytes& raw, SessionContext& ctx) {
    if (r.device_time && !given_.insert(unix_from_civil(r.device_time->civil)).second) return 0;
    ctx.emit(r, raw);
    return 1;
  }
  std::optional<Pending> pending_;
  std::set<std::int64_t> given_;
};

std::string registered_name(const ConversationContext& c) {
  return c.person && !c.person->name.empty() ? c.person->name : "declouder";
}

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  conv.max_reconnects = 3;  // one of them is the end of pairing
  const std::shared_ptr<DeviceMemory> memory = c.memory ? c.memory : std::make_shared<DeviceMemory>();
  const PersonProfile person = person_profile(c);
  // The person's scale_user, when it is one of the scale's eight slots.
  const std::optional<int> configured_slot =
      c.person && c.person->scale_user && person.slot <= kSlots ? std::optional<int>(person.slot) : std::nullopt;
  const std::string name = registered_name(c);
  // The scale keeps local time: 02 carries the local wall clock counted as Unix seconds.
  const std::int64_t wall_now = unix_from_civil(local_wall_clock(c.unix_now));
  const std::uint32_t fresh_account_id = static_cast<std::uint32_t>(c.unix_now) * 2654435761u | 1u;  // non-zero
  auto weighings = std::make_shared<Weighings>();

  auto profile_for = [person](int slot) {
    Profile p;
    p.slot = slot;
    p.male = person.male;
    p.age = person.age;
    p.height_cm = person.height_cm;
    p.unit = person.unit;
    return p;
  };
  auto kept_slot = [memory, configured_slot]() -> std::optional<int> {
    if (configured_slot) return configured_slot;
    if (auto s = memory->get(kSlotKey); s && s->size() == 1 && (*s)[0] >= 1 && (*s)[0] <= kSlots) return (*s)[0];
    return std::nullopt;
  };

  Step weight = subscribe_step(kWeight, "enable indications on 0x8A24 (weight)");
  weight.resume_here = true;
  conv.steps.push_back(weight);
  conv.steps.push_back(subscribe_step(kComposition, "enable indications on 0x8A22 (body composition)"));
  conv.steps.push_back(subscribe_step(kEvents, "enable indications on 0x8A82 (the scale's events)"));

  conv.steps.push_back(expect_step("the scale's password (pairing mode) or random on 0x8A82",
                                   [memory, weighings](const GattValue& v, SessionContext& ctx) {
    weighings->flush(ctx);  // a weighing whose composition never came, before a reconnection
    if (is_event(v, transtek::kEventPassword, 5)) {
      memory->put(kPasswordKey, Bytes(v.value.begin() + 1, v.value.begin() + 5));
      ctx.counters[kPairing] = 1;
      return Verdict::done;
    }
    if (!is_event(v, transtek::kEventChallenge, 5)) return Verdict::ignore;
    if (!memory->get(kPasswordKey))
      throw SessionError(
          "the scale asks for the password of an earlier pairing and none is kept for it: put it in pairing mode "
          "(its display shows the pairing sign after a reset) and connect again");
    ctx.counters[kPairing] = 0;
    ctx.frames["random"] = Bytes(v.value.begin() + 1, v.value.begin() + 5);
    return Verdict::done;
  }));

  conv.steps.push_back(action_step("pairing: account id, the challenge, the eight slots, the person's slot and "
                                   "profile, the clock; then the scale commits and hangs up",
                                   [=](SessionContext& ctx) {
    if (!ctx.counters[kPairing]) return;
    ctx.counters[kPairing] = 0;
    auto next = [&ctx, weighings](GattLink::Clock::duration wait, const char* what) {
      const auto deadline = GattLink::Clock::now() + wait;
      for (;;) {
        std::optional<GattValue> v = ctx.link.next_value(deadline);
        if (!v) throw SessionError(std::string("pairing: no ") + what + " from the scale");
        if (ctx.handlers.on_gatt_value) ctx.handlers.on_gatt_value(*v);
        if (v->characteristic == kEvents) return *v;
        weighings->take(*v, ctx);
      }
    };
    auto write = [&ctx](const Bytes& b) { ctx.link.write(kCommands, b, WriteMode::with_response); };

    Bytes account = memory->get(kAccountIdKey).value_or(Bytes{});
    if (account.size() != 4) {
      account.clear();
      put_u32le(account, fresh_account_id);
      memory->put(kAccountIdKey, account);
    }
    Bytes command{transtek::kCommandAccountId};
    put_u32le(command, le32(account.data()));
    write(command);

    GattValue random = next(kPairingStepWait, "random (A1) after the account id");
    while (!is_event(random, transtek::kEventChallenge, 5)) random = next(kPairingStepWait, "random (A1)");
    write(transtek::verification(Bytes(random.value.begin() + 1, random.value.begin() + 5),
                                 memory->get(kPasswordKey).value_or(Bytes{})));

    // Silent until the eighth slot: a write before it ends the pairing with E1.
    std::array<std::string, kSlots + 1> names;
    std::array<bool, kSlots + 1> free{};
    for (int last = 0; last != kSlots;) {
      GattValue v = next(kPairingStepWait, "slot list (83)");
      if (!is_event(v, kEventSlot, 2) || v.value[1] < 1 || v.value[1] > kSlots) continue;
      last = v.value[1];
      names[last] = slot_name(v.value);
      free[last] = names[last].empty();
    }
    const int slot = kept_slot().value_or(choose_slot(std::nullopt, name, names, free));
    memory->put(kSlotKey, Bytes{static_cast<std::uint8_t>(slot)});
    write(add_user_command(slot, name));
    write(profile_command(profile_for(slot)));
    write(transtek::time_command(wall_now));
    write(Bytes{transtek::kCommandDisconnect});
    if (ctx.tell)
      ctx.tell("paired: the scale's password is kept for the next connections; registered as its user " +
               std::to_string(slot) + (names[slot].empty() ? "" : " (was \"" + names[slot] + "\")"));

    // The scale hangs up once the pairing is committed; only if it never does, we do.
    const auto deadline = GattLink::Clock::now() + kCommitWait;
    try {
      while (auto v = ctx.link.next_value(deadline)) weighings->take(*v, ctx);
      ctx.link.disconnect();
    } catch (const LinkLost&) {
    }
    throw LinkLost("pairing committed");
  }));

  conv.steps.push_back(write_step(kCommands, [memory](SessionContext& ctx) {
    return transtek::verification(ctx.frames["random"], memory->get(kPasswordKey).value_or(Bytes{}));
  }, WriteMode::with_response, "the answer to the random (20)"));
  conv.steps.push_back(write_step(kCommands, transtek::time_command(wall_now), WriteMode::with_response,
                                  "the clock (02, local time)"));
  conv.steps.push_back(action_step("the person's profile (51), when known", [=](SessionContext& ctx) {
    const std::optional<int> slot = kept_slot();
    if (!person.known || !slot) return;  // a neutral profile would overwrite theirs
    ctx.link.write(kCommands, profile_command(profile_for(*slot)), WriteMode::with_response);
  }));

  conv.steps.push_back(gate_step("step on the scale", [weighings](const GattValue& v, SessionContext& ctx) {
    return weighings->take(v, ctx) > 0 ? Verdict::done : Verdict::ignore;
  }));

  conv.steps.push_back(action_step("the weighings it queued", [weighings](SessionContext& ctx) {
    try {
      auto deadline = GattLink::Clock::now() + kQuiet;
      while (auto v = ctx.link.next_value(deadline)) {
        if (ctx.handlers.on_gatt_value) ctx.handlers.on_gatt_value(*v);
        weighings->take(*v, ctx);
        deadline = GattLink::Clock::now() + kQuiet;
      }
    } catch (const LinkLost&) {  // the scale hangs up once it has handed everything over
    }
    weighings->flush(ctx);
  }));
  return conv;
}

}  // namespace declouder::weight_gurus
