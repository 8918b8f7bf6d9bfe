// The standard heart-rate strap (0x180D) as a conversation for `declouder read` and
// the gateway: turn on 2A37 notifications and take the first measurement with
// skin contact. The Mi Band 1S also has 0x180D but needs its own sequence
// (devices/miband/session.hpp, `declouder miband heart-rate`): not claimed here.
#include "devices/descriptor.hpp"
#include "devices/heart_rate/protocol.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder::heart_rate {

Conversation conversation(const ConversationContext&) {
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
        r.model = kModel;
        r.address = v.address;
        r.heart_rate_bpm = m->bpm;
        r.stabilized = true;
        ctx.emit(r, v.value);
        return Verdict::done;
      },
      std::chrono::seconds(15)));
  return c;
}

}  // namespace declouder::heart_rate
