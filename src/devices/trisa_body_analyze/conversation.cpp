// Conversation: Trisa Body Analyze 4.0 (descriptor.cpp has the protocol and its sources).
// One conversation for both cases, the first connection in pairing mode and every one after:
//   0. enable indications on 0x8A21 (measurements)                          <- safe point
//   1. enable indications on 0x8A82 (the scale's commands)
//   2. expect on 0x8A82: A0 <password> (pairing mode: kept in the device's memory) or
//      A1 <challenge>; a challenge with no password kept fails, telling the person to put the
//      scale in pairing mode
//   3. pairing: 21 <broadcast id 0>;         otherwise: 20 <challenge XOR password>
//   4. pairing: 22 (disconnect) and hang up: the runner reconnects and starts again at 0,
//      where the scale, paired now, sends a challenge;  otherwise: 02 <time>
//   5. gate on 0x8A21: each stable measurement is a reading (stored ones come first, with
//      their own time); the one of this weighing (its time within 10 minutes of ours, or no
//      time) ends the step
//   6. 22: the scale may hang up
#include <cstdlib>

#include "devices/descriptor.hpp"
#include "devices/trisa_body_analyze/protocol.hpp"

namespace declouder::trisa {
namespace {

const Uuid kMeasurement = Uuid::from16(kMeasurementCharacteristic);
const Uuid kDownload = Uuid::from16(kDownloadCharacteristic);
const Uuid kUpload = Uuid::from16(kUploadCharacteristic);

constexpr std::int64_t kLiveWindowSeconds = 600;

// The counter that says this connection is the pairing one.
constexpr const char* kPairing = "trisa pairing";

}  // namespace

Conversation conversation(const ConversationContext& c) {
  Conversation conv;
  conv.name = kModel;
  conv.max_reconnects = 3;  // one of them is the end of pairing
  const std::shared_ptr<DeviceMemory> memory = c.memory ? c.memory : std::make_shared<DeviceMemory>();
  const std::int64_t now = c.unix_now;
  const std::optional<Person> person = c.person;

  Step measurements = subscribe_step(kMeasurement, "enable indications on 0x8A21 (measurements)");
  measurements.resume_here = true;
  conv.steps.push_back(measurements);
  conv.steps.push_back(subscribe_step(kUpload, "enable indications on 0x8A82 (the scale's commands)"));

  Step hello = expect_step("the scale's password (pairing mode) or challenge on 0x8A82",
                           [memory](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kUpload || v.value.size() < 5) return Verdict::ignore;
    const Bytes four(v.value.begin() + 1, v.value.begin() + 5);
    if (v.value[0] == kUploadPassword) {
      memory->put(kPasswordKey, four);
      ctx.counters[kPairing] = 1;
      if (ctx.tell) ctx.tell("paired: the scale's password is kept for the next connections");
      return Verdict::done;
    }
    if (v.value[0] != kUploadChallenge) return Verdict::ignore;
    if (!memory->get(kPasswordKey))
      throw SessionError(
          "the scale asks for the password of an earlier pairing and none is kept for it: put it in pairing mode "
          "(hold its button for several seconds until the display says so) and connect again");
    ctx.counters[kPairing] = 0;
    ctx.frames["challenge"] = four;
    return Verdict::done;
  });
  conv.steps.push_back(hello);

  conv.steps.push_back(write_step(kDownload, [memory](SessionContext& ctx) {
    if (ctx.counters[kPairing]) return Bytes{kDownloadBroadcastId, 0, 0, 0, 0};
    return transtek::verification(ctx.frames["challenge"], memory->get(kPasswordKey).value_or(Bytes{}));
  }, WriteMode::with_response, "pairing: the broadcast id (21); else the answer to the challenge (20)"));

  conv.steps.push_back(write_step(kDownload, [now](SessionContext& ctx) {
    if (ctx.counters[kPairing]) return Bytes{kDownloadDisconnect};
    return transtek::time_command(now);
  }, WriteMode::with_response, "pairing: disconnect (22); else the time (02)"));

  conv.steps.push_back(action_step("pairing: end the connection, to connect again paired", [](SessionContext& ctx) {
    if (!ctx.counters[kPairing]) return;
    ctx.counters[kPairing] = 0;
    // The scale hangs up after 22; if it does not within 3 s, we do.
    const auto deadline = GattLink::Clock::now() + std::chrono::seconds(3);
    while (ctx.link.next_value(deadline)) {
    }
    ctx.link.disconnect();
    throw LinkLost("pairing done");
  }));

  conv.steps.push_back(gate_step("step on the scale", [now, person](const GattValue& v, SessionContext& ctx) {
    if (v.characteristic != kMeasurement) return Verdict::ignore;
    DecodeOutcome o = decode_measurement(v.value);
    if (!o.ok()) return Verdict::ignore;
    if (!o.reading.stabilized) return Verdict::more;  // the person is still settling
    o.reading.address = v.address;
    if (person)
      if (auto r2 = resistance2(v.value); r2 && o.reading.impedance_ohm) add_trisa_body(o.reading, *person, now, *r2);
    ctx.emit(o.reading, v.value);
    if (!o.reading.device_time) return Verdict::done;
    const std::int64_t t = unix_from_civil(o.reading.device_time->civil);
    return std::llabs(t - now) <= kLiveWindowSeconds ? Verdict::done : Verdict::more;  // a stored one: more come
  }));

  conv.steps.push_back(action_step("disconnect (22)", [](SessionContext& ctx) {
    try {
      ctx.link.write(kDownload, Bytes{kDownloadDisconnect}, WriteMode::with_response);
    } catch (const std::exception&) {  // the scale may hang up before it answers
    }
  }));
  return conv;
}

}  // namespace declouder::trisa
