// The Eufy P2 Pro's side, from the facts in descriptor.cpp: it checks the app's C0 and C2 with
// the key of its own MAC, answers C1 and C3, and only an authenticated app gets weight frames.
#include <chrono>

#include "devices/eufy_p2/protocol.hpp"
#include "link/simulated_device.hpp"

namespace declouder::eufy_p2 {
namespace {

// What the scale calls itself in C1 (any text: the app only echoes it back in C2).
constexpr const char* kScaleText = "T9149SIMULATED0";

class EufyP2Simulator : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  std::string_view kind() const override { return "eufy-p2"; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse("E8:5A:2E:49:00:01")); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? "eufy T9149" : options_.name;
    a.service_uuids = {kService};
    return a;
  }
  std::vector<SimService> gatt() const override {
    return {{kService, {{kCommands, kWrite, {}}, {kWeights, kNotify, {}}, {kAuth, kNotify, {}}}}};
  }
  void on_connect() override {
    c0_ = {}, c2_ = {};
    app_text_.clear();
    authenticated_ = false;
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (c != kCommands || v.empty()) return;
    const auto key = key_for(address());
    if (v[0] == 0xC0 && c0_.add(0xC0, v) && c0_.complete) {
      const auto text = open(c0_.text, key);
      if (!text) return;  // not sealed with this scale's key: no answer, as a scale would
      app_text_ = *text;
      std::chrono::milliseconds at(100);
      for (const Bytes& f : segments(0xC1, seal(kScaleText, key))) {
        notify_after(at, kAuth, f);
        at += std::chrono::milliseconds(50);
      }
    }
    if (v[0] == 0xC2 && c2_.add(0xC2, v) && c2_.complete) {
      const auto text = open(c2_.text, key);
      authenticated_ = text && !app_text_.empty() && *text == app_text_ + "_" + kScaleText;
      Bytes c3{0xC3, 0x01, 0x00, 0x01, static_cast<std::uint8_t>(authenticated_ ? 0 : 1)};
      c3.push_back(xor8(c3));
      notify_after(std::chrono::milliseconds(100), kAuth, c3);
      if (authenticated_) weigh();
    }
  }

 private:
  // Someone steps on: the weight climbs, a final frame the weight then still moves from, the
  // impedance measured, and the settled weight twice.
  void weigh() {
    using std::chrono::milliseconds;
    const double kg = options_.weight_kg, ohm = options_.impedance_ohm;
    notify_after(milliseconds(600), kWeights, weight_frame(kg * 0.7, 0, false));
    notify_after(milliseconds(1000), kWeights, weight_frame(kg - 0.15, 0, true));
    notify_after(milliseconds(1800), kWeights, weight_frame(kg, ohm, false));
    notify_after(milliseconds(2600), kWeights, weight_frame(kg, 0, true));
    notify_after(milliseconds(3000), kWeights, weight_frame(kg, 0, true));
  }
  void notify_after(std::chrono::milliseconds d, const Uuid& c, Bytes value) {
    host().after(d, [this, c, value] {
      if (c != kWeights || authenticated_) host().notify(c, value);
    });
  }

  Reassembly c0_, c2_;
  std::string app_text_;
  bool authenticated_ = false;
};

}  // namespace

std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options) { return std::make_unique<EufyP2Simulator>(options); }

}  // namespace declouder::eufy_p2
