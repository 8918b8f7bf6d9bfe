// The standard heart-rate strap (0x180D) as a conversation for `declouder read` and
// the gateway: turn on 2A37 notifications and take the first measurement with
// skin contact. The Mi Band 1S also has 0x180D but needs its own sequence
// (wearables/miband_session.hpp, `declouder miband heart-rate`): not claimed here.
#include "ble/conversations.hpp"
#include "wearables/miband_protocol.hpp"

namespace declouder {
namespace {

bool matches(const Advertisement& adv) {
  return adv.advertises_service(miband::uuid::kHeartRateService) && !adv.advertises_service(miband::uuid::kService);
}

Conversation build(const ConversationParams&) {
  const Uuid measurement = Uuid::from16(miband::uuid::kHeartRateMeasurement);
  Conversation c;
  c.name = "heart-rate-strap";
  c.steps.push_back(subscribe_step(measurement, "heart-rate notifications (2A37)"));
  c.steps.back().resume_here = true;
  c.steps.push_back(expect_step(
      "a heart rate with skin contact",
      [measurement](const GattValue& v, SessionContext& ctx) {
        if (v.characteristic != measurement) return Verdict::ignore;
        auto m = miband::parse_heart_rate_measurement(v.value);
        if (!m || m->bpm == 0 || (m->sensor_contact && !*m->sensor_contact)) return Verdict::more;
        Reading r;
        r.model = "heart-rate-sensor";
        r.address = v.address;
        r.heart_rate_bpm = m->bpm;
        r.stabilized = true;
        ctx.emit(r, v.value);
        return Verdict::done;
      },
      std::chrono::seconds(15)));
  return c;
}

const ConversationRegistration reg{{
    .id = "heart-rate-strap",
    .summary = "Heart Rate service 0x180D: notifications on 2A37, the first value with skin contact",
    .matches = matches,
    .build = build,
}};

}  // namespace
}  // namespace declouder
