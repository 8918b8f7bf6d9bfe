#include "devices/heart_rate/simulator.hpp"

#include "devices/heart_rate/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder::sim {

Bytes heart_rate_strap_measurement(int bpm, int n) {
  const int v = bpm + (n % 5) - 2;
  Bytes b{0x16, static_cast<std::uint8_t>(v)};
  put_u16le(b, static_cast<std::uint16_t>(60.0 / v * 1024.0 + 0.5));
  return b;
}

namespace {

const Uuid kService = Uuid::from16(0x180D);
const Uuid kMeasurement = Uuid::from16(0x2A37);
const Uuid kBodySensorLocation = Uuid::from16(0x2A38);

class HeartRateStrapSimulator : public SimulatedDevice {
 public:
  explicit HeartRateStrapSimulator(const SimOptions& o) : SimulatedDevice(o) {}
  std::string_view kind() const override { return "heart-rate-strap"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("00:22:D0:5A:00:06")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "Polar H7 5A000600" : options_.name;
    a.service_uuids.push_back(kService);
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kMeasurement, kNotify, {}}, {kBodySensorLocation, kRead, {0x01}}}}};  // 1 = chest
  }
  void on_connect() override { ++connection_; }
  void on_write(const Uuid&, const Bytes&, bool) override {}
  void on_subscribe(const Uuid& c) override {
    if (c == kMeasurement) tick(connection_, 0);
  }

 private:
  int bpm() const { return options_.heart_rate_bpm > 0 ? options_.heart_rate_bpm : 62; }
  void tick(int connection, int n) {
    if (connection != connection_ || !host().subscribed(kMeasurement)) return;
    host().notify(kMeasurement, heart_rate_strap_measurement(bpm(), n));
    host().after(std::chrono::milliseconds(1000), [this, connection, n] { tick(connection, n + 1); });
  }
  int connection_ = 0;
};

}  // namespace

}  // namespace declouder::sim

// The factory the descriptor uses (descriptor.cpp).
namespace declouder::heart_rate {
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& o) { return std::make_unique<sim::HeartRateStrapSimulator>(o); }
}  // namespace declouder::heart_rate
