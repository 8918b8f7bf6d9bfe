// Simulator: a Dr. Trust SSW532 (ICOMON FG2211WB); protocol.cpp has the protocol and its sources.
//
// It advertises "SSW532" with the service UUID 0xFFB0 and serves 0xFFB0 (0xFFB1 write, 0xFFB2
// notify, 0xFFB3 indicate) and Device Information (manufacturer "ICOMON", model "FG2211WB").
// Each connection is a session with its own id, byte 0 of every frame it sends on 0xFFB3:
//   - indications on FFB3 enabled: setup frame 0 (<session> 18 00); then notifications on FFB2
//     enabled: setup frame 1 (<session> 18 01);
//   - it waits for the app's three frames, each checked (20 bytes, checksum, constants):
//     00 03 00 B0 <this session>, the profile B8 (its height and age kept: height 100-220 cm,
//     the age byte's 0x80 set) and the app id B1 "icomon". Until all three are right it does
//     not weigh (a real one shows nothing either);
//   - a weighing the last app left unacknowledged is replayed first (command A4: the command
//     byte of a replay is not published, openScale only knows it is not A3/A7; A4 is the
//     history type of ICOMON's other 20-byte frames);
//   - the person steps on: live frames on FFB2 (.. 07 00 A2 <state> 00 <grams u24 BE>) rise
//     (state 00), settle (01) and lock (03) on the SimOptions weight;
//   - the result on FFB3: part 00 (<session> 23 00 <cmd> <unix u32 BE> 00 <grams u24 BE> 00 00
//     01 <channel A, B u16 LE / 10 ohm>), part 01 with the eight segments when the person holds
//     the handles (SimOptions impedance above 0), part 02; command A7 with the segments, A3
//     without (the FG2211WBF's full weigh-in in ble-scale-sync #383 was A7);
//   - its segments: the SimOptions impedance is the foot-to-foot path, split 8.5 % trunk (Z3)
//     and the rest between the legs (Z4, Z5), in tenths of an ohm that add up to it exactly;
//     the arms (Z1, Z2) a little above the legs, the diagonals (Z6, Z7) about 300 ohm as
//     openScale describes them, Z8 the arm-to-arm path; the whole-body channels at 60 % of the
//     foot-to-foot value (the FG2211WBF capture: about 300 ohm). Proportions of a typical
//     8-electrode reading, not a vendor's;
//   - without the handles, the person steps off 1.5 s after the end marker (live weight 0);
//   - it blinks until the teardown 04 03 00 B0 <this session> comes, then switches off
//     (hangs up); a weighing not acknowledged so is kept for the next connection's replay.
#include <cmath>

#include "devices/drtrust_ssw532/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

const Uuid kService = Uuid::from16(0xFFB0);
const Uuid kCommand = Uuid::from16(0xFFB1);
const Uuid kLive = Uuid::from16(0xFFB2);
const Uuid kResult = Uuid::from16(0xFFB3);

// A 20-byte frame: `head` from byte 0, zeros, sum(bytes 3..18) mod 32 in byte 19.
Bytes frame(const Bytes& head) {
  Bytes f(20, 0x00);
  for (std::size_t i = 0; i < head.size() && i < 19; ++i) f[i] = head[i];
  unsigned sum = 0;
  for (std::size_t i = 3; i <= 18; ++i) sum += f[i];
  f[19] = static_cast<std::uint8_t>(sum % 32);
  return f;
}

bool well_formed(const Bytes& f) {
  if (f.size() != 20) return false;
  unsigned sum = 0;
  for (std::size_t i = 3; i <= 18; ++i) sum += f[i];
  return (f[19] & 0x1F) == sum % 32;
}

struct Result {
  std::uint8_t command = 0xA3;
  std::uint32_t unix = 0;
  std::uint32_t grams = 0;
  std::uint32_t foot_to_foot_tenths = 0;  // 0: the handles were not held
};

class DrTrustSimulator : public SimulatedDevice {
 public:
  explicit DrTrustSimulator(const SimOptions& o) : SimulatedDevice(o) {}
  std::string_view kind() const override { return "drtrust-ssw532"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("A4:C1:38:53:20:11")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "SSW532" : options_.name;
    a.service_uuids.push_back(kService);
    return a;
  }
  std::vector<SimService> gatt() const override {
    auto text = [](const char* s) { return Bytes(s, s + std::char_traits<char>::length(s)); };
    return {{kService, {{kCommand, kWrite, {}}, {kLive, kNotify, {}}, {kResult, kIndicate, {}}}},
            {Uuid::from16(0x180A), {{Uuid::from16(0x2A29), kRead, text("ICOMON")}, {Uuid::from16(0x2A24), kRead, text("FG2211WB")}}}};
  }
  // A backend may tell of the connection after its first subscription or write (a real
  // bluetoothd names the central late): the session starts at whichever comes first.
  void on_connect() override { open_session(); }
  void on_disconnect() override {
    session_open_ = false;
    ++connection_;  // timers of the old session do nothing
    if (blinking_) unacknowledged_ = last_;  // the app left without the teardown
    blinking_ = false;
  }
  void on_subscribe(const Uuid& c) override {
    open_session();
    if (c == kResult && !setup_sent_) {
      setup_sent_ = true;
      later(30, [this] { host().notify(kResult, frame({session_, drtrust::kSetupFrame, 0x00})); });
    }
    if (c == kLive && setup_sent_)
      later(30, [this] { host().notify(kResult, frame({session_, drtrust::kSetupFrame, 0x01})); });
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    open_session();
    if (c != kCommand || !well_formed(v)) return;
    if (v[1] == 0x03 && v[2] == 0x00 && v[3] == 0xB0) {
      if (v[4] != session_) return;  // another session's
      if (v[0] == 0x00) session_acked_ = true;
      if (v[0] == 0x04) acknowledged();
    } else if (v[1] == 0x1A && v[2] == 0x00 && v[3] == 0xB8) {
      if ((v[14] & 0x80) == 0 || v[11] < 100 || v[11] > 220) return;
      height_cm_ = v[11];
      age_ = v[14] & 0x7F;
    } else if (v[1] == 0x1A && v[2] == 0x01 && v[6] == 0x06 && std::string_view(reinterpret_cast<const char*>(&v[7]), 6) == "icomon") {
      app_id_ = true;
    }
    if (session_acked_ && height_cm_ && app_id_ && !weighing_) start_weighing();
  }

 private:
  void open_session() {
    if (session_open_) return;
    session_open_ = true;
    ++connection_;
    session_ = static_cast<std::uint8_t>(0x31 + 0x1D * connection_);  // a new id each session
    setup_sent_ = session_acked_ = app_id_ = weighing_ = blinking_ = false;
    height_cm_ = age_ = 0;
  }
  void later(int ms, std::function<void()> fn) {
    host().after(std::chrono::milliseconds(ms), [this, fn = std::move(fn), connection = connection_] {
      if (connection == connection_) fn();
    });
  }
  void start_weighing() {
    weighing_ = true;
    int at = 200;
    if (unacknowledged_) {
      Result replay = *unacknowledged_;
      replay.command = 0xA4;
      later(at, [this, replay] { send_result(replay); });
      at += 600;
      unacknowledged_.reset();
    }
    const std::uint32_t grams = static_cast<std::uint32_t>(std::lround(options_.weight_kg * 1000));
    const double steps[] = {0.3, 0.65, 0.9, 0.99, 1.0, 1.0, 1.0};
    const std::uint8_t states[] = {0x00, 0x00, 0x01, 0x01, 0x03, 0x03, 0x03};
    for (std::size_t n = 0; n < std::size(steps); ++n, at += 120)
      later(at, [this, n, g = static_cast<std::uint32_t>(std::lround(grams * steps[n])), s = states[n]] { live(n, s, g); });
    Result r;
    r.unix = static_cast<std::uint32_t>(host().unix_now());
    r.grams = grams;
    if (options_.impedance_ohm > 0) {
      r.command = 0xA7;
      r.foot_to_foot_tenths = static_cast<std::uint32_t>(std::lround(options_.impedance_ohm * 10));
    }
    later(at + 400, [this, r] {
      last_ = r;
      blinking_ = true;
      send_result(r);
      if (!r.foot_to_foot_tenths)  // no handles: the person steps off
        later(1500, [this] { live(99, 0x00, 0); });
    });
  }
  void live(std::size_t n, std::uint8_t state, std::uint32_t grams) {
    host().notify(kLive, frame({static_cast<std::uint8_t>(n), 0x07, 0x00, drtrust::kTypeLive, state, 0x00,
                                static_cast<std::uint8_t>(grams >> 16), static_cast<std::uint8_t>(grams >> 8),
                                static_cast<std::uint8_t>(grams)}));
  }
  void send_result(const Result& r) {
    const std::uint32_t z = r.foot_to_foot_tenths;
    const std::uint32_t trunk = z * 85 / 1000, right_leg = (z - trunk) / 2, left_leg = z - trunk - right_leg;
    const std::uint32_t channel_a = z * 6 / 10, channel_b = channel_a - channel_a / 50;
    auto le = [](Bytes& b, std::uint32_t v) {
      b.push_back(static_cast<std::uint8_t>(v));
      b.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    Bytes weight{session_, drtrust::kResultFrame, drtrust::kPartWeight, r.command,
                 static_cast<std::uint8_t>(r.unix >> 24), static_cast<std::uint8_t>(r.unix >> 16),
                 static_cast<std::uint8_t>(r.unix >> 8), static_cast<std::uint8_t>(r.unix), 0x00,
                 static_cast<std::uint8_t>(r.grams >> 16), static_cast<std::uint8_t>(r.grams >> 8),
                 static_cast<std::uint8_t>(r.grams), 0x00, 0x00, 0x01};
    le(weight, channel_a);
    le(weight, channel_b);
    host().notify(kResult, frame(weight));
    if (z) {
      Bytes seg{session_, drtrust::kResultFrame, drtrust::kPartSegments};
      const std::uint32_t arm = right_leg * 11 / 10;
      for (std::uint32_t s : {arm, arm + 15, trunk, right_leg, left_leg, 3000u, 3050u, 2 * arm + trunk / 2}) le(seg, s);
      later(80, [this, seg] { host().notify(kResult, frame(seg)); });
    }
    later(160, [this] { host().notify(kResult, frame({session_, drtrust::kResultFrame, drtrust::kPartEnd})); });
  }
  void acknowledged() {
    if (!blinking_) return;
    blinking_ = false;
    later(100, [this] { host().disconnect("the scale switched itself off"); });
  }

  std::uint64_t connection_ = 0;
  std::uint8_t session_ = 0;
  bool session_open_ = false;
  bool setup_sent_ = false, session_acked_ = false, app_id_ = false, weighing_ = false, blinking_ = false;
  int height_cm_ = 0, age_ = 0;  // as the profile gave them; nothing it sends depends on them (raw impedances)
  Result last_;
  std::optional<Result> unacknowledged_;
};

}  // namespace

namespace drtrust {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<DrTrustSimulator>(o); }
}  // namespace drtrust

}  // namespace declouder
