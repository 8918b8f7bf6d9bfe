#include "devices/miband/simulator.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "devices/miband/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder::sim {

using namespace declouder::miband;

MiBandBand::MiBandBand(MiBandSimConfig c) : c_(std::move(c)) {}

void MiBandBand::on_connect(Host& host) {
  host_ = &host;
  ++connection_;
  subscribed_.clear();
  user_info_ok_ = false;  // volatile: written on every connection
  authenticated_ = false;
  awaiting_ack_bytes_.reset();
  log.push_back("connected");
}

void MiBandBand::on_disconnect() {
  ++connection_;
  subscribed_.clear();
  user_info_ok_ = false;
  authenticated_ = false;
  log.push_back("disconnected");
}

void MiBandBand::on_subscribe(std::uint16_t c) { subscribed_.insert(c); }

void MiBandBand::notify(std::uint16_t c, const Bytes& v) {
  if (host_ && subscribed(c)) host_->notify(c, v);
}

Bytes MiBandBand::on_read(std::uint16_t c) {
  switch (c) {
    case uuid::kDeviceInfo: {
      DeviceInfo d;
      d.device_id = {c_.address.bytes[5], c_.address.bytes[4], c_.address.bytes[3], c_.address.bytes[2], 0, 0, 0, 0};
      d.profile_version = 0x02000700;
      d.firmware_version = 0x04000212;
      if (c_.model == Model::mi1s) {
        d.feature = 4;
        d.hardware = 4;
        d.heart_rate_firmware = 0x01000100;
      } else if (c_.model == Model::mi1a) {
        d.feature = 5;
        d.hardware = 5;
      } else {
        d.hardware = 2;
      }
      return build_device_info(d);
    }
    case uuid::kDateTime: return encode_date(c_.clock);
    case uuid::kRealtimeSteps: {
      Bytes b;
      put_u16le(b, static_cast<std::uint16_t>(c_.steps));
      return b;
    }
    case uuid::kBattery: {
      Bytes b{static_cast<std::uint8_t>(c_.battery_percent)};
      Bytes d = encode_date(c_.clock);
      b.insert(b.end(), d.begin(), d.end());
      put_u16le(b, 12);
      b.push_back(0);
      return b;
    }
    case uuid::kDeviceName: return Bytes{'M', 'I', '1', 'S'};
  }
  return {};
}

std::optional<int> MiBandBand::on_write(std::uint16_t c, const Bytes& v, bool with_response) {
  const int conn = connection_;
  auto later = [this, conn](int ms, std::function<void()> fn) {
    host_->after(ms, [this, conn, fn = std::move(fn)] {
      if (connection_ == conn) fn();
    });
  };
  switch (c) {
    case uuid::kUserInfo: {
      if (!user_info_checksum_ok(v, c_.address)) {
        log.push_back("user info rejected: bad checksum");
        user_info_ok_ = false;
        notify(uuid::kNotification, {kAuthFailed});
        return 0;
      }
      user_info_ok_ = true;
      const std::uint32_t uid = le32(v.data());
      if (uid == c_.known_uid) {
        authenticated_ = true;
        log.push_back("user info accepted: known user");
        later(50, [this] { notify(uuid::kNotification, {kAuthSuccess}); });
      } else {
        log.push_back("user info from a new user: vibrating, waiting for a tap");
        later(50, [this] { notify(uuid::kNotification, {kMotorAuth}); });
        if (c_.tap_after_ms >= 0)
          later(c_.tap_after_ms, [this, uid] {
            c_.known_uid = uid;
            authenticated_ = true;
            log.push_back("tapped");
            notify(uuid::kNotification, {kMotorAuthSuccess});
          });
      }
      return 0;
    }
    case uuid::kLeParams: {
      if (v.size() >= 8) host_->request_parameters(le16(&v[0]), le16(&v[2]), le16(&v[4]), le16(&v[6]));
      return 0;
    }
    case uuid::kDateTime: {
      if (auto t = decode_date(v)) c_.clock = *t;
      return 0;
    }
    case uuid::kHeartRateControl: {
      if (v.size() != 3 || v[0] != 0x15) return 0;
      if (v[2] == 0) {
        log.push_back("heart rate mode " + std::to_string(v[1]) + " stopped");
        return 0;
      }
      if (!user_info_ok_) {
        // Seed 004: the LEDs flash, no write response, the link is gone.
        log.push_back("heart rate start without user info on this connection: hanging up");
        later(200, [this] { host_->drop(0x13); });
        return std::nullopt;
      }
      log.push_back("heart rate measurement started (optical sensor on)");
      const int quiet = c_.hr_response_ms;
      if (host_->supervision_timeout_ms() <= quiet) {
        // The radio is busy starting the sensor: the link layer times out.
        const int after = host_->supervision_timeout_ms();
        later(after, [this] {
          log.push_back("link supervision timeout while the sensor started");
          host_->drop(0x08);
        });
        return std::nullopt;
      }
      later(quiet + c_.hr_result_ms, [this] {
        notify(uuid::kHeartRateMeasurement, build_heart_rate_measurement(c_.heart_rate_bpm));
        log.push_back("heart rate " + std::to_string(c_.heart_rate_bpm) + " notified");
      });
      return with_response ? quiet : 0;
    }
    case uuid::kControlPoint: {
      if (v.empty()) return 0;
      if (v[0] == 0x06) {
        later(20, [this] { send_activity_block(); });
      } else if (v[0] == 0x0A && v.size() == 9 && awaiting_ack_bytes_) {
        std::uint16_t n = le16(&v[7]);
        if (n == *awaiting_ack_bytes_) {
          awaiting_ack_bytes_.reset();
          // Acknowledged: the band frees the block (an inverted count would keep it).
          c_.history.erase(c_.history.begin(), c_.history.begin() + static_cast<std::ptrdiff_t>(block_minutes_));
          later(20, [this] { send_activity_block(); });
        }
      } else if (v[0] == 0x03 && v.size() == 2 && v[1] == 1) {
        later(1000, [this] {
          Bytes b;
          put_u16le(b, static_cast<std::uint16_t>(++c_.steps));
          notify(uuid::kRealtimeSteps, b);
        });
      }
      return 0;
    }
  }
  return 0;
}

void MiBandBand::send_activity_block() {
  // Blocks go out from the oldest minute still held; an ack frees them (below).
  const bool hr = c_.model == Model::mi1s;
  constexpr std::size_t kBlock = 30;  // minutes per block
  const std::int64_t start_unix = unix_from_civil(c_.clock) - static_cast<std::int64_t>(c_.history.size()) * 60;
  const std::size_t n = std::min(kBlock, c_.history.size());
  std::vector<ActivityMinute> block(c_.history.begin(), c_.history.begin() + static_cast<std::ptrdiff_t>(n));
  auto packets = build_activity_block(civil_from_unix(start_unix), block, static_cast<std::uint16_t>(c_.history.size()), true, hr);
  if (n > 0) {
    awaiting_ack_bytes_ = static_cast<std::uint16_t>(n * (hr ? 4 : 3));
    block_minutes_ = n;
  }
  for (const auto& p : packets) notify(uuid::kActivityData, p);
  if (n == 0) log.push_back("activity history sent");
}

// ---- VirtualBandLink ---------------------------------------------------------

void VirtualBandLink::notify(std::uint16_t c, const Bytes& v) { inbox_.emplace_back(c, v); }
void VirtualBandLink::after(int ms, std::function<void()> fn) { events_.emplace(now_ + ms, std::move(fn)); }
void VirtualBandLink::drop(std::uint8_t reason) {
  if (!connected_) return;
  connected_ = false;
  dropped_ = reason;
  band_.on_disconnect();
}
void VirtualBandLink::request_parameters(int, int, int, int timeout) {
  // BlueZ accepts a peripheral's parameter request when it is within range.
  if (timeout >= 10 && timeout <= 3200) supervision_ms_ = timeout * 10;
}

void VirtualBandLink::advance(std::int64_t until, const std::function<bool()>& stop) {
  while (connected_ && !events_.empty() && events_.begin()->first <= until) {
    auto it = events_.begin();
    now_ = std::max(now_, it->first);
    auto fn = std::move(it->second);
    events_.erase(it);
    fn();
    if (stop && stop()) return;
  }
  if (connected_) now_ = std::max(now_, until);
}

VirtualBandLink::Outcome VirtualBandLink::run(const std::vector<miband::PlanStep>& steps) {
  Outcome out;
  if (!connected_) {
    connected_ = true;
    dropped_.reset();
    band_.on_connect(*this);
  }
  auto fail = [&](const PlanStep& s, std::string detail) {
    out.ok = false;
    out.failed_step = s.label;
    out.hci_reason = dropped_;
    out.detail = std::move(detail);
    if (dropped_) out.detail += std::string(" (disconnected: ") + std::string(disconnect_reason_name(*dropped_)) + ")";
    return out;
  };
  for (const PlanStep& s : steps) {
    if (!connected_) return fail(s, "link lost before this step");
    switch (s.kind) {
      case PlanStep::Kind::subscribe:
        band_.on_subscribe(s.characteristic);
        break;
      case PlanStep::Kind::link_parameters:
        // BlueZ takes 100 ms .. 32 s (what a kernel knob or an LE Connection Update allows).
        supervision_ms_ = std::clamp(s.supervision_timeout_ms, 100, 32000);
        break;
      case PlanStep::Kind::read:
        out.values.push_back(band_.on_read(s.characteristic));
        break;
      case PlanStep::Kind::write: {
        auto delay = band_.on_write(s.characteristic, s.value, s.with_response);
        if (!s.with_response) break;
        const int wait = delay ? *delay : s.timeout_ms + 1;
        if (wait > s.timeout_ms) {
          // Our side stops waiting at the timeout (unless the band dropped first).
          advance(now_ + s.timeout_ms, [&] { return !connected_; });
          if (connected_) drop(0x16);
          return fail(s, "no write response within " + std::to_string(s.timeout_ms) + " ms");
        }
        advance(now_ + wait, [&] { return !connected_; });
        if (!connected_) return fail(s, "the link dropped while waiting for the write response");
        break;
      }
      case PlanStep::Kind::await_status:
      case PlanStep::Kind::await_value: {
        const std::int64_t deadline = now_ + s.timeout_ms;
        bool done = false, failed = false;
        std::size_t seen = 0;
        auto check = [&] {
          for (; seen < inbox_.size(); ++seen) {
            const auto& [c, v] = inbox_[seen];
            if (c != s.characteristic) continue;
            if (s.kind == PlanStep::Kind::await_value) {
              out.values.push_back(v);
              done = true;
            } else {
              switch (gate_for_notification(v)) {
                case Gate::proceed: done = true; break;
                case Gate::failed: failed = true; break;
                case Gate::wait_for_tap: out.prompts.push_back("tap the band to confirm"); break;
                case Gate::ignore: break;
              }
            }
            if (done || failed) return true;
          }
          return false;
        };
        if (!check()) advance(deadline, check);
        inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(std::min(seen + 1, inbox_.size())));
        if (failed) return fail(s, "the band refused the user info (authentication failed)");
        if (!done) return fail(s, connected_ ? "nothing within " + std::to_string(s.timeout_ms) + " ms" : "link lost");
        break;
      }
    }
  }
  out.ok = true;
  return out;
}

// ---- the registered simulator: the band behind SimHost -------------------------

namespace {

const Uuid kFee0 = Uuid::from16(uuid::kService);
const Uuid kHrService = Uuid::from16(uuid::kHeartRateService);

class MiBand1sSimulator : public SimulatedDevice, public MiBandBand::Host {
 public:
  explicit MiBand1sSimulator(const SimOptions& o) : SimulatedDevice(o), band_(config(o)) {}

  std::string_view kind() const override { return "miband-1s"; }
  MacAddress address() const override { return band_.config().address; }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "MI1S" : options_.name;
    a.service_uuids.push_back(kFee0);
    return a;
  }
  std::vector<SimService> gatt() const override {
    MiBandBand& b = const_cast<MiBandBand&>(band_);
    auto c = [&](std::uint16_t u, unsigned props) { return SimCharacteristic{Uuid::from16(u), props, b.on_read(u)}; };
    return {{kFee0,
             {c(uuid::kDeviceInfo, kRead), c(uuid::kDeviceName, kRead), c(uuid::kNotification, kRead | kNotify),
              c(uuid::kUserInfo, kRead | kWrite), c(uuid::kControlPoint, kWrite), c(uuid::kRealtimeSteps, kRead | kNotify),
              c(uuid::kActivityData, kNotify), c(uuid::kLeParams, kRead | kWrite), c(uuid::kDateTime, kRead | kWrite),
              c(uuid::kBattery, kRead | kNotify), c(uuid::kPair, kWrite)}},
            {kHrService, {c(uuid::kHeartRateMeasurement, kNotify), c(uuid::kHeartRateControl, kRead | kWrite)}}};
  }
  void on_connect() override {
    supervision_ms_ = kLinuxDefaultSupervisionMs;
    band_.on_connect(*this);
  }
  void on_disconnect() override { band_.on_disconnect(); }
  void on_subscribe(const Uuid& c) override {
    if (c.is16()) band_.on_subscribe(c.short16());
  }
  void on_write(const Uuid& c, const Bytes& value, bool with_response) override {
    if (c.is16()) band_.on_write(c.short16(), value, with_response);
  }

  // MiBandBand::Host
  void notify(std::uint16_t c, const Bytes& v) override { host().notify(Uuid::from16(c), v); }
  void after(int ms, std::function<void()> fn) override { host().after(std::chrono::milliseconds(ms), std::move(fn)); }
  void drop(std::uint8_t hci_reason) override {
    // FakeBluez turns "connection timeout" into org.bluez.Reason.Timeout, anything else into .Remote.
    host().disconnect(hci_reason == 0x08 ? "connection timeout" : "remote user terminated connection");
  }
  int supervision_timeout_ms() const override { return supervision_ms_; }
  void request_parameters(int, int, int, int timeout) override {
    // BlueZ accepts a peripheral's connection parameter request that is within range.
    if (timeout >= 10 && timeout <= 3200) supervision_ms_ = timeout * 10;
  }

 private:
  // What a Linux central uses unless told otherwise (net/bluetooth: le_supv_timeout 0x2A).
  static constexpr int kLinuxDefaultSupervisionMs = 420;
  static MiBandSimConfig config(const SimOptions& o) {
    MiBandSimConfig c;
    if (o.address) c.address = *o.address;
    if (o.heart_rate_bpm > 0) c.heart_rate_bpm = o.heart_rate_bpm;
    c.tap_after_ms = 1000;  // the simulated wearer taps the band a second after it vibrates
    c.hr_result_ms = 3000;  // the Mi Fit capture saw ~10 s; shortened for people testing
    for (int i = 0; i < 90; ++i)
      c.history.push_back({{}, static_cast<std::uint8_t>(i < 60 ? 5 : 1), static_cast<std::uint8_t>(i % 40),
                           static_cast<std::uint8_t>(i < 60 ? 0 : 30 + i % 7), static_cast<std::uint8_t>(60 + i % 10)});
    return c;
  }
  MiBandBand band_;
  int supervision_ms_ = kLinuxDefaultSupervisionMs;
};

}  // namespace

}  // namespace declouder::sim

// The factory the descriptor uses (descriptor.cpp).
namespace declouder::miband {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<sim::MiBand1sSimulator>(o); }
}  // namespace declouder::miband
