// Simulator of the Xiaomi MiBeacon scales (S400, S200, S800). The frame layout and the
// encryption are mibeacon.hpp's; each model's descriptor file builds its objects.
#include "devices/xiaomi_mibeacon/simulator.hpp"

#include "devices/xiaomi_mibeacon/mibeacon.hpp"

namespace declouder::mibeacon {

// A made-up key (not any real scale's): a simulated scale's owner "paired" it with this.
const Bindkey kSimulatorKey = *parse_bindkey("d3c1a7f0b25e4e8a9c6d0f1e2a3b4c5d");

namespace {

class MiBeaconScaleSimulator : public AdvertisingOnlyDevice {
 public:
  MiBeaconScaleSimulator(ScaleModel model, const SimOptions& o) : AdvertisingOnlyDevice(o), model_(std::move(model)) {
    frame_ = idle();
  }
  std::string_view kind() const override { return model_.kind; }
  MacAddress address() const override {
    return options_.address.value_or(*MacAddress::parse(model_.default_address));
  }
  std::optional<Bindkey> bindkey() const override { return options_.bindkey.value_or(kSimulatorKey); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? model_.name : options_.name;
    a.service_data.emplace_back(Uuid::from16(kServiceUuid), frame_);
    return a;
  }

 protected:
  void start() override {
    host().after(std::chrono::milliseconds(1000), [this] { weigh(0); });
  }

 private:
  Bytes idle() const {
    Bytes f;
    put_u16le(f, 0x5910);  // v5, registered, MAC included; no object
    put_u16le(f, model_.product_id);
    put_u8(f, counter_);
    for (int i = 5; i >= 0; --i) put_u8(f, address().bytes[i]);
    return f;
  }

  void weigh(std::size_t n) {
    const std::vector<Bytes> frames = model_.frames(options_);
    if (n >= frames.size()) {
      frame_ = idle();
      host().advert_changed();
      host().after(std::chrono::milliseconds(3000), [this] { weigh(0); });
      return;
    }
    ++counter_;
    frame_ = seal(model_.product_id, counter_, address(), frames[n], counter_ * 7u, *bindkey());
    host().advert_changed();
    host().after(std::chrono::milliseconds(1500), [this, n] { weigh(n + 1); });
  }

  ScaleModel model_;
  Bytes frame_;
  std::uint8_t counter_ = 0;
};

}  // namespace

std::unique_ptr<SimulatedDevice> scale_simulator(ScaleModel model, const SimOptions& options) {
  return std::make_unique<MiBeaconScaleSimulator>(std::move(model), options);
}

}  // namespace declouder::mibeacon
