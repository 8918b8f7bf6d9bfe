// Simulator: a Hoffen BS-8107 (Chipsea "WeChat scale"); protocol.cpp has the protocol and its
// sources.
//
// Advertisement: the name "Hoffen BS-8107" and the WeChat service 0xFEE7, as the PC-PW 3008 BT's
// advert in openScale pull request #1476 (its company 0x0131 data is left out: with the longer
// Hoffen name it would not fit a legacy advert, and nothing reads it). GATT: service 0xFFB0 with
// the one characteristic 0xFFB2 (notify, write with response).
// Each connection starts afresh:
//   - the app's frames are checked (FA, the size byte, the XOR); a bad one is not answered;
//   - FA 85 04 00 <sex 0/1> <age 5-99> <height 50-250>: the person kept, acked;
//   - FA 83 02 <01 kg, 02 lb, 03 st> 00: the unit kept, acked; with a person told, the scale
//     weighs: live weights FA 01 03 00 <u16 LE> rise to the SimOptions weight and settle, then
//     the final frame. The ack's payload is not published (openScale reads only its command
//     byte): here FA 03 01 <the command acked>;
//   - the weight in tenths of a kg, or of a pound when told lb or st;
//   - barefoot (SimOptions impedance above 0): FA 02 11 and 17 bytes, the composition computed
//     from the weight, the impedance and the person it was told (simulated_body.hpp: a plain
//     estimate, not Chipsea's formulas; visceral fat a plain function of the fat), BMR at 12-13,
//     BMI x 10 at 15-16 and the body age at 19 where the legacy driver's comments put them. At
//     21 bytes it goes as 20 bytes and then the checksum alone, as at the default ATT MTU;
//   - without contact (impedance 0): FA 02 03 <weight> 04 <xor>, one notification;
//   - FA 82 01 00: acked, and the scale powers down (hangs up) half a second later.
#include <algorithm>
#include <cmath>

#include "devices/hoffen_bs8107/protocol.hpp"
#include "devices/simulated_body.hpp"
#include "link/simulated_device.hpp"

namespace declouder {
namespace {

using namespace hoffen;

const Uuid kServiceUuid = Uuid::from16(kService);
const Uuid kFrames = Uuid::from16(kCharacteristic);
constexpr double kLbPerKg = 1 / 0.45359237;

void put_le16(Bytes& b, double value) {
  const auto v = static_cast<std::uint16_t>(std::clamp(std::lround(value), 0L, 0xFFFFL));
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

class HoffenSimulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return kModel; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("C8:B2:1E:81:07:01")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "Hoffen BS-8107" : options_.name;
    a.service_uuids = {Uuid::from16(kWeChatService)};
    return a;
  }
  std::vector<SimService> gatt() const override { return {{kServiceUuid, {{kFrames, kNotify | kWrite, {}}}}}; }
  // A backend may tell of the connection after its first subscription or write (a real
  // bluetoothd names the central late): the connection starts at whichever comes first.
  void on_connect() override { open(); }
  void on_subscribe(const Uuid&) override { open(); }
  void on_disconnect() override {
    connected_ = false;
    ++connection_;  // timers of the last connection do nothing
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    open();
    if (c != kFrames || frame_state(v) != FrameState::whole) return;
    const ByteView payload = ByteView(v).subspan(3, v[2]);
    switch (v[1]) {
      case kSendUser:
        if (payload.size() != 4 || payload[0] != 0x00 || payload[1] > 1 || payload[2] < 5 || payload[2] > 99 ||
            payload[3] < 50 || payload[3] > 250)
          return;
        male_ = payload[1] == 1;
        age_ = payload[2];
        height_cm_ = payload[3];
        told_person_ = true;
        ack(kSendUser);
        return;
      case kSetUnit:
        if (payload.size() != 2 || payload[0] < 1 || payload[0] > 3 || payload[1] != 0x00) return;
        unit_ = payload[0] == 1 ? WeightUnit::kg : payload[0] == 2 ? WeightUnit::lb : WeightUnit::st;
        ack(kSetUnit);
        if (told_person_ && !weighing_) weigh();
        return;
      case kMeasurementDone:
        if (payload.size() != 1 || payload[0] != 0x00) return;
        ack(kMeasurementDone);
        later(500, [this] { host().disconnect("the scale powered down"); });
        return;
      default:
        return;
    }
  }

 private:
  void open() {
    if (connected_) return;
    connected_ = true;
    ++connection_;
    told_person_ = weighing_ = false;
    unit_ = WeightUnit::kg;
  }
  void later(int ms, std::function<void()> fn) {
    host().after(std::chrono::milliseconds(ms), [this, fn = std::move(fn), connection = connection_] {
      if (connection == connection_) fn();
    });
  }
  void ack(std::uint8_t command) {
    later(40, [this, command] { host().notify(kFrames, frame(kAck, Bytes{command})); });
  }
  // The weight as the scale counts it: tenths of the unit it shows (pounds for lb and st).
  double tenths(double kg) const { return kg * 10 * (unit_ == WeightUnit::kg ? 1 : kLbPerKg); }

  void weigh() {
    weighing_ = true;
    int at = 300;
    for (double share : {0.35, 0.72, 0.93, 0.985, 1.0, 1.0}) {
      Bytes payload{0x00};
      put_le16(payload, tenths(options_.weight_kg * share));
      later(at, [this, f = frame(kLiveWeight, payload)] { host().notify(kFrames, f); });
      at += 150;
    }
    later(at + 200, [this] { send_final(); });
  }

  void send_final() {
    const double kg = options_.weight_kg;
    Bytes payload;
    put_le16(payload, tenths(kg));
    if (options_.impedance_ohm <= 0) {  // shoes on: the weight alone, one notification
      payload.push_back(kNoContact);
      host().notify(kFrames, frame(kFinal, payload));
      return;
    }
    const SimulatedBody body = simulated_body(kg, options_.impedance_ohm, height_cm_, age_, male_);
    const double bmi = kg / std::pow(height_cm_ / 100.0, 2);
    const double visceral = std::clamp(body.fat_percent / 2.5 - 3, 1.0, 30.0);
    payload.push_back(kContact);
    put_le16(payload, body.fat_percent * 10);
    put_le16(payload, body.water_percent * 10);
    put_le16(payload, body.muscle_percent * 10);
    put_le16(payload, body.bmr_kcal);
    payload.push_back(static_cast<std::uint8_t>(std::lround(body.bone_kg * 10)));
    put_le16(payload, bmi * 10);
    put_le16(payload, visceral * 10);
    payload.push_back(static_cast<std::uint8_t>(age_));
    const Bytes whole = frame(kFinal, payload);  // 21 bytes: one more than a notification holds
    host().notify(kFrames, Bytes(whole.begin(), whole.end() - 1));
    later(30, [this, sum = whole.back()] { host().notify(kFrames, Bytes{sum}); });
  }

  std::uint64_t connection_ = 0;
  bool connected_ = false, told_person_ = false, weighing_ = false;
  bool male_ = true;
  int age_ = 30, height_cm_ = 170;
  WeightUnit unit_ = WeightUnit::kg;
};

}  // namespace

namespace hoffen {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<HoffenSimulator>(o); }
}  // namespace hoffen

}  // namespace declouder
