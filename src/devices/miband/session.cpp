#include "devices/miband/session.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace declouder::miband {
namespace {

Step from_plan(const PlanStep& p, const SupervisionTuner& tuner) {
  const Uuid c = Uuid::from16(p.characteristic);
  const auto timeout = std::chrono::milliseconds(p.timeout_ms);
  Step s;
  switch (p.kind) {
    case PlanStep::Kind::subscribe:
      s = subscribe_step(c, p.label);
      break;
    case PlanStep::Kind::link_parameters: {
      const int ms = p.supervision_timeout_ms;
      s = action_step(p.label, [tuner, ms](SessionContext& ctx) {
        std::string line = tuner ? tuner(ms) : "link parameters left to the band's FF09 request";
        if (ctx.tell) ctx.tell(line);
      });
      break;
    }
    case PlanStep::Kind::write:
      s = write_step(c, p.value, p.with_response ? WriteMode::with_response : WriteMode::without_response, p.label);
      break;
    case PlanStep::Kind::read:
      s = read_step(
          c,
          [ch = p.characteristic](const Bytes& value, SessionContext& ctx) {
            if (ch != uuid::kDeviceInfo) return;
            auto info = parse_device_info(value);
            ctx.counters["device info valid"] = info.info ? 1 : 0;
            if (info.info) {
              ctx.counters["heart rate capable"] = info.info->supports_heart_rate() ? 1 : 0;
              ctx.counters["packet counter"] = info.info->packets_have_counter() ? 1 : 0;
            }
          },
          p.label);
      break;
    case PlanStep::Kind::await_status:
      s = gate_step(
          "tap the band when it vibrates",
          [c](const GattValue& v, SessionContext& ctx) {
            if (v.characteristic != c) return Verdict::ignore;
            switch (gate_for_notification(v.value)) {
              case Gate::proceed: return Verdict::done;
              case Gate::failed: return Verdict::fail;
              case Gate::wait_for_tap:
                if (ctx.tell) ctx.tell("the band is vibrating: tap it to confirm");
                return Verdict::more;
              case Gate::ignore: break;
            }
            return Verdict::ignore;
          },
          timeout);
      s.label = p.label;
      break;
    case PlanStep::Kind::await_value:
      s = expect_step(
          p.label,
          [c](const GattValue& v, SessionContext& ctx) {
            if (v.characteristic != c) return Verdict::ignore;
            auto m = parse_heart_rate_measurement(v.value);
            if (!m || m->bpm == 0) return Verdict::ignore;  // a reading of 0: the sensor is still starting
            Reading r;
            r.model = kModel;
            r.address = v.address;
            r.heart_rate_bpm = m->bpm;
            r.stabilized = true;
            ctx.emit(r, v.value);
            return Verdict::done;
          },
          timeout);
      break;
  }
  s.resume_here = p.resume_here;
  return s;
}

}  // namespace

Conversation to_conversation(const std::string& name, const std::vector<PlanStep>& plan, const SupervisionTuner& tuner) {
  Conversation c;
  c.name = name;
  for (const auto& p : plan) c.steps.push_back(from_plan(p, tuner));
  return c;
}

Conversation heart_rate_conversation(const UserProfile& user, const MacAddress& band, Model model,
                                     const LinkPolicy& policy, const SupervisionTuner& tuner) {
  auto plan = connect_plan(user, band, model, policy);
  auto hr = heart_rate_once_plan(policy);
  plan.insert(plan.end(), hr.begin(), hr.end());
  return to_conversation("xiaomi-mi-band-1 heart rate", plan, tuner);
}

Conversation activity_conversation(const UserProfile& user, const MacAddress& band, Model model,
                                   const LinkPolicy& policy, const SupervisionTuner& tuner) {
  Conversation c = to_conversation("xiaomi-mi-band-1 activity", connect_plan(user, band, model, policy), tuner);
  const Uuid data = Uuid::from16(uuid::kActivityData), control = Uuid::from16(uuid::kControlPoint);
  c.steps.push_back(subscribe_step(data, "activity notifications (FF07)"));
  c.steps.push_back(write_step(control, command::fetch_activity(), WriteMode::with_response, "fetch activity (06 on FF05)"));
  auto fetch = std::make_shared<std::optional<ActivityFetch>>();
  c.steps.push_back(expect_step(
      "activity history, block by block",
      [data, control, fetch](const GattValue& v, SessionContext& ctx) {
        if (v.characteristic != data) return Verdict::ignore;
        if (!*fetch) fetch->emplace(ctx.counters["packet counter"] != 0, ctx.counters["heart rate capable"] != 0);
        if (auto why = (*fetch)->feed(v.value)) {
          if (ctx.tell) ctx.tell("activity data: " + *why);
          return Verdict::fail;
        }
        for (const auto& m : (*fetch)->take_minutes()) {
          Reading r;
          r.model = kModel;
          r.address = v.address;
          r.steps = m.steps;
          if (m.heart_rate) r.heart_rate_bpm = *m.heart_rate;
          r.device_time = DeviceClock{m.time, false, false};
          r.stabilized = true;
          r.add_device_metric("activity_kind", m.kind);
          r.add_device_metric("intensity", m.intensity);
          ctx.emit(r, v.value);
          ++ctx.counters["minutes"];
        }
        for (const auto& ack : (*fetch)->take_acks()) {
          ctx.link.write(control, ack, WriteMode::with_response);
          if (ctx.tell) ctx.tell("acknowledged a block; " + std::to_string(ctx.counters["minutes"]) + " minutes so far");
        }
        return (*fetch)->finished() ? Verdict::done : Verdict::more;
      },
      std::chrono::milliseconds(policy.measurement_timeout_ms * 4)));
  return c;
}

Conversation status_conversation(const UserProfile& user, const MacAddress& band, Model model, BandStatus& out,
                                 const LinkPolicy& policy, const SupervisionTuner& tuner) {
  Conversation c = to_conversation("xiaomi-mi-band-1 status", connect_plan(user, band, model, policy), tuner);
  c.steps.push_back(read_step(Uuid::from16(uuid::kDeviceInfo), [&out](const Bytes& b, SessionContext&) {
    out.info = parse_device_info(b).info;
  }, "device info (FF01)"));
  c.steps.push_back(read_step(Uuid::from16(uuid::kBattery), [&out](const Bytes& b, SessionContext&) {
    out.battery = parse_battery(b);
  }, "battery (FF0C)"));
  c.steps.push_back(read_step(Uuid::from16(uuid::kRealtimeSteps), [&out](const Bytes& b, SessionContext&) {
    out.steps = parse_realtime_steps(b);
  }, "steps today (FF06)"));
  return c;
}

std::optional<std::string> raise_supervision_timeout(const std::string& hci, int ms, const std::string& root) {
  const std::string dir = root + "/" + hci + "/";
  auto write = [&](const char* name, int value) -> std::optional<std::string> {
    std::ofstream f(dir + name);
    if (!f) return dir + name + ": " + std::strerror(errno);
    f << value << '\n';
    f.close();
    if (!f) return dir + name + ": the kernel refused " + std::to_string(value);
    return std::nullopt;
  };
  // Units: supervision timeout 10 ms; intervals 1.25 ms (24 = 30 ms, 40 = 50 ms).
  if (auto e = write("supervision_timeout", ms / 10)) return e;
  write("conn_min_interval", 24);
  write("conn_max_interval", 40);
  return std::nullopt;
}

std::optional<std::uint8_t> hci_reason_of(const std::string& d) {
  auto has = [&](const char* s) { return d.find(s) != std::string::npos; };
  if (has("Reason.Timeout") || has("connection timeout") || has("supervision")) return 0x08;
  if (has("Reason.Remote") || has("remote user terminated")) return 0x13;
  if (has("Reason.Local") || has("local host") || has("disconnected by declouder")) return 0x16;
  return std::nullopt;
}

}  // namespace declouder::miband
