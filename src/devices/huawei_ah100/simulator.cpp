// Simulator: Huawei AH100 (descriptor.cpp has the protocol and its sources).
//
// A new scale, bound to no user: it says it is awake (00) once the app has turned notifications
// on, and refuses (26, 00) an AUTH whose token it does not know: a user it was never bound to,
// or a token obfuscated with another address (which also makes a BIND meaningless: it is not
// answered). BIND (25) with a good token binds that user (27), for as long as the simulator
// runs; AUTH then answers 26, 01. Authorised, it acks the unit (02) and the clock (08), keeping
// the clock the app set, decrypts the USER_INFO to learn the person's user id, age, sex and
// height, answers the version (0C), and weighs: the stable-weight precursor (0F), then the
// encrypted pair (BC 0E, BC 8E) for the user of the token, timed by its clock, with the
// impedance and a body fat of its own (Deurenberg's BMI formula, from the USER_INFO's person:
// Deurenberg, Weststrate and Seidell, Br J Nutr 65 (1991) 105-114). The second half's content
// is not described in public: it sends 16 bytes the app need not read. The result ack (13)
// puts it to sleep (01).
#include <cmath>
#include <set>

#include "devices/huawei_ah100/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder::huawei_ah100 {
namespace {

class Ah100Simulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "huawei-ah100"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("5C:CA:D3:08:7B:4F")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "AH100" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kCommands, kWrite, {}}, {kNotifications, kNotify, {}}}}};
  }
  void on_connect() override {
    ++connection_;
    user_.reset();
    person_.reset();
  }
  void on_disconnect() override { ++connection_; }
  void on_subscribe(const Uuid& c) override {
    if (c == kNotifications) send_after(std::chrono::milliseconds(100), plain(kOpWakeUp, {}));
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.size() < 3) return;
    const MacAddress mac = address();
    if (v[0] == kAppEncrypted) {
      if (v[2] != kCmdUserInfo || !user_) return;
      const Key key = magic_key(auth_token(*user_), mac);
      const auto f = open_frame(v, mac, &key);
      if (const auto u = parse_user_info(f->payload); u && u->user_id == *user_) {
        person_ = *u;
        weigh();
      }
      return;
    }
    if (v[0] != kAppPlain) return;
    const Bytes payload = open_frame(v, mac)->payload;
    switch (v[2]) {
      case kCmdAuth: {
        const auto user = token_user(payload);
        const bool known = user && bound_.count(*user);
        if (known) user_ = *user;
        send_after(std::chrono::milliseconds(50), plain(kOpAuthResult, Bytes{static_cast<std::uint8_t>(known ? 1 : 0)}));
        return;
      }
      case kCmdBind:
        if (const auto user = token_user(payload)) {
          bound_.insert(*user);
          send_after(std::chrono::milliseconds(50), plain(kOpBound, {}));
        }
        return;
      case kCmdSetUnit:
        if (user_) send_after(std::chrono::milliseconds(20), plain(kOpUnitSet, payload));
        return;
      case kCmdSetClock:
        if (!user_ || payload.size() < 7) return;
        clock_offset_ = unix_from_civil({le16(payload.data()), payload[2], payload[3], payload[4], payload[5], payload[6]}) -
                        host().unix_now();
        send_after(std::chrono::milliseconds(20), plain(kOpClockSet, {}));
        return;
      case kCmdGetVersion:
        if (user_) send_after(std::chrono::milliseconds(20), plain(kOpVersion, Bytes{'1', '.', '0', '.', '3'}));
        return;
      case kCmdResultAck:
        if (user_) send_after(std::chrono::milliseconds(50), plain(kOpGoSleep, {}));
        return;
    }
  }

 private:
  Bytes plain(std::uint8_t op, const Bytes& tail) { return plain_notification(op, tail, address()); }

  void send_after(std::chrono::milliseconds d, Bytes frame) {
    host().after(d, [this, frame = std::move(frame), connection = connection_] {
      if (connection == connection_) host().notify(kNotifications, frame);
    });
  }

  // Someone steps on: the stable weight, then the measurement.
  void weigh() {
    const double kg = options_.weight_kg;
    Bytes stable;
    put_u16le(stable, static_cast<std::uint16_t>(std::lround(kg * 10)));
    send_after(std::chrono::milliseconds(400), plain(kOpStableWeight, stable));
    MeasurementFields m;
    m.user_id = *user_;
    m.weight_kg = kg;
    m.impedance_ohm = static_cast<int>(std::lround(options_.impedance_ohm));
    m.time = civil_from_unix(host().unix_now() + clock_offset_ + 1);
    m.fat_percent = m.impedance_ohm > 0 ? body_fat(kg) : 0;  // no contact: no fat
    const Key key = magic_key(auth_token(*user_), address());
    send_after(std::chrono::milliseconds(1000), encrypted_notification(kOpMeasurement, measurement_payload(m), key, address()));
    send_after(std::chrono::milliseconds(1050), encrypted_notification(kOpMeasurement2, Bytes(16, 0x00), key, address()));
  }

  double body_fat(double kg) const {
    const double m = person_->height_cm / 100.0;
    if (m <= 0) return 0;
    const double bmi = kg / (m * m);
    const double fat = 1.2 * bmi + 0.23 * person_->age - 10.8 * (person_->male ? 1 : 0) - 5.4;
    return std::round(std::clamp(fat, 3.0, 60.0) * 10) / 10;
  }

  std::set<int> bound_;
  std::optional<int> user_;  // authorised for this connection
  std::optional<UserInfo> person_;
  std::int64_t clock_offset_ = 0;
  std::uint64_t connection_ = 0;
};

}  // namespace

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) { return std::make_unique<Ah100Simulator>(options); }

}  // namespace declouder::huawei_ah100
