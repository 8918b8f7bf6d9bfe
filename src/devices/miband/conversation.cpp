#include "devices/miband/conversation.hpp"
#include "devices/miband/protocol.hpp"

namespace declouder::miband {
namespace {

PlanStep step(PlanStep::Kind k, std::uint16_t c, Bytes v, int timeout, std::string label, bool with_response = true) {
  PlanStep s;
  s.kind = k;
  s.characteristic = c;
  s.value = std::move(v);
  s.timeout_ms = timeout;
  s.label = std::move(label);
  s.with_response = with_response;
  return s;
}

}  // namespace

std::vector<PlanStep> connect_plan(const UserProfile& user, const MacAddress& band, Model model, const LinkPolicy& p) {
  using K = PlanStep::Kind;
  std::vector<PlanStep> s;
  s.push_back(step(K::subscribe, uuid::kNotification, {}, p.step_timeout_ms, "notifications on FF03 (status codes)"));
  s.back().resume_here = true;
  s.push_back(step(K::write, uuid::kLeParams, command::le_params_low_latency(), p.step_timeout_ms, "low-latency parameters to FF09"));
  s.push_back(step(K::link_parameters, 0, {}, p.step_timeout_ms, "supervision timeout " + std::to_string(p.supervision_timeout_ms) + " ms"));
  s.back().supervision_timeout_ms = p.supervision_timeout_ms;
  s.push_back(step(K::read, uuid::kDateTime, {}, p.step_timeout_ms, "read the band's date (FF0A)"));
  s.push_back(step(K::read, uuid::kDeviceInfo, {}, p.step_timeout_ms, "read device info (FF01)"));
  s.push_back(step(K::write, uuid::kUserInfo, build_user_info(user, band, model), p.step_timeout_ms, "user info to FF04"));
  s.push_back(step(K::await_status, uuid::kNotification, {}, p.tap_timeout_ms, "authentication (tap the band if it vibrates)"));
  return s;
}

std::vector<PlanStep> heart_rate_once_plan(const LinkPolicy& p) {
  using K = PlanStep::Kind;
  std::vector<PlanStep> s;
  s.push_back(step(K::subscribe, uuid::kHeartRateMeasurement, {}, p.step_timeout_ms, "heart-rate notifications (CCCD of 2A37)"));
  s.push_back(step(K::write, uuid::kHeartRateControl, command::heart_rate(command::kHrContinuous, false), p.step_timeout_ms,
                   "stop continuous measurement"));
  s.push_back(step(K::write, uuid::kHeartRateControl, command::heart_rate(command::kHrManual, false), p.step_timeout_ms,
                   "stop manual measurement"));
  s.push_back(step(K::write, uuid::kHeartRateControl, command::heart_rate(command::kHrManual, true),
                   p.write_response_timeout_ms, "start one measurement (15 02 01, answered after ~1.3 s)"));
  s.push_back(step(K::await_value, uuid::kHeartRateMeasurement, {}, p.measurement_timeout_ms, "heart rate (keep the band on the wrist)"));
  return s;
}

Gate gate_for_notification(ByteView v) {
  if (v.size() != 1) return Gate::ignore;
  return gate_for_status(v[0]);
}

std::string_view disconnect_reason_name(std::uint8_t r) {
  switch (r) {
    case 0x08: return "connection timeout (supervision timeout expired)";
    case 0x13: return "remote user terminated connection (the band hung up)";
    case 0x16: return "connection terminated by local host (we gave up)";
    case 0x3E: return "connection failed to be established";
    case 0x22: return "LL response timeout";
  }
  return "other";
}

std::string_view disconnect_advice(std::uint8_t r) {
  switch (r) {
    case 0x08: return "the band went quiet longer than the supervision timeout: raise it (and write FF09)";
    case 0x13: return "the band refused the sequence: user info must be written (and accepted) on this connection first";
    case 0x16: return "our response timeout was shorter than the band needs (1.3 s for 15 02 01)";
  }
  return "";
}

}  // namespace declouder::miband
