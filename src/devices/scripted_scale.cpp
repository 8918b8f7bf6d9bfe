#include "devices/scripted_scale.hpp"

namespace declouder {
namespace {

class ScriptedSimulator : public SimulatedDevice {
 public:
  ScriptedSimulator(ScriptedScale s, const SimOptions& o) : SimulatedDevice(o), s_(std::move(s)) {}
  std::string_view kind() const override { return s_.kind; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse(s_.default_address)); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? s_.name : options_.name;
    a.service_uuids = s_.advertised_services;
    a.manufacturer_data = s_.manufacturer_data;
    return a;
  }
  std::vector<SimService> gatt() const override { return s_.services; }
  void on_subscribe(const Uuid& c) override {
    if (s_.on_subscribe) play(s_.on_subscribe(c, options_));
  }
  void on_write(const Uuid& c, const Bytes& v, bool) override {
    if (s_.on_write) play(s_.on_write(c, v, options_));
  }

 private:
  void play(std::vector<ScriptedFrame> frames) {
    for (ScriptedFrame& f : frames)
      host().after(f.after, [this, c = f.characteristic, v = std::move(f.value)] { host().notify(c, v); });
  }
  ScriptedScale s_;
};

class BroadcastSimulator : public AdvertisingOnlyDevice {
 public:
  BroadcastSimulator(BroadcastScale s, const SimOptions& o) : AdvertisingOnlyDevice(o), s_(std::move(s)) {
    frames_ = s_.frames(options_, address());
  }
  std::string_view kind() const override { return s_.kind; }
  MacAddress address() const override { return options_.address.value_or(*MacAddress::parse(s_.default_address)); }
  AdvertData advert() const override {
    AdvertData a;
    a.name = options_.name.empty() ? s_.name : options_.name;
    a.service_uuids = s_.advertised_services;
    if (!frames_.empty()) a.manufacturer_data = {frames_[n_ % frames_.size()]};
    return a;
  }

 protected:
  void start() override { next(); }

 private:
  void next() {
    const bool last = (n_ + 1) % frames_.size() == 0;
    host().after(std::chrono::milliseconds(last ? 2000 : 600), [this] {
      ++n_;
      host().advert_changed();
      next();
    });
  }
  BroadcastScale s_;
  std::vector<std::pair<std::uint16_t, Bytes>> frames_;
  std::size_t n_ = 0;
};

}  // namespace

std::unique_ptr<SimulatedDevice> broadcast_simulator(BroadcastScale scale, const SimOptions& options) {
  return std::make_unique<BroadcastSimulator>(std::move(scale), options);
}

std::unique_ptr<SimulatedDevice> scripted_simulator(ScriptedScale scale, const SimOptions& options) {
  return std::make_unique<ScriptedSimulator>(std::move(scale), options);
}

Conversation reading_conversation(const ReadingConversation& c) {
  Conversation conv;
  conv.name = c.name;
  Step subscribe = subscribe_step(c.notify, "notifications");
  subscribe.resume_here = true;
  conv.steps.push_back(subscribe);
  for (const auto& [uuid, bytes] : c.requests) conv.steps.push_back(write_step(uuid, bytes, c.mode, "request"));
  auto decode = c.decode;
  conv.steps.push_back(gate_step("step on the scale", [decode](const GattValue& v, SessionContext& ctx) {
    DecodeOutcome o = decode(v);
    if (!o.ok()) return Verdict::ignore;
    if (!o.reading.stabilized) return Verdict::more;
    o.reading.address = v.address;
    ctx.emit(o.reading, v.value);
    return Verdict::done;
  }));
  if (c.acknowledge) conv.steps.push_back(write_step(c.acknowledge->first, c.acknowledge->second, c.mode, "acknowledge"));
  return conv;
}

}  // namespace declouder
