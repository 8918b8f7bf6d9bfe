#include "gateway/simulator_source.hpp"

#include <ctime>
#include <map>
#include <stdexcept>

#include "core/time.hpp"

namespace declouder {

namespace {

double number(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(key + "=" + v + " is not a number");
}

// The SimHost a device sees: a timeline of callbacks, adverts out to the pipeline.
class AdvertHost : public SimHost {
 public:
  using Clock = std::chrono::steady_clock;
  AdvertHost(SimulatedDevice& d, int rssi, const FrameHandlers& to) : device_(d), rssi_(rssi), to_(to) {}

  void advert_changed() override { advertise(); }
  void notify(const Uuid&, const Bytes&) override {}
  bool subscribed(const Uuid&) const override { return false; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    timeline_.emplace(Clock::now() + delay, std::move(fn));
  }
  void disconnect(const std::string&) override {}
  std::int64_t unix_now() const override { return std::time(nullptr); }

  void advertise() {
    const AdvertData d = device_.advert();
    Advertisement a;
    a.address = device_.address();
    a.name = d.name;
    a.rssi = rssi_;
    a.service_data = d.service_data;
    a.manufacturer_data = d.manufacturer_data;
    a.service_uuids = d.service_uuids;
    a.time_us = now_unix_us();
    if (to_.on_advertisement) to_.on_advertisement(a);
    next_repeat_ = Clock::now() + std::chrono::milliseconds(100);
  }

  void run(const StopFlag& stop) {
    while (!stop.requested()) {
      auto next = next_repeat_;
      if (!timeline_.empty() && timeline_.begin()->first < next) next = timeline_.begin()->first;
      if (stop.wait_for(std::max(Clock::duration::zero(), next - Clock::now()))) return;
      const auto now = Clock::now();
      while (!timeline_.empty() && timeline_.begin()->first <= now) {
        auto fn = std::move(timeline_.begin()->second);
        timeline_.erase(timeline_.begin());
        fn();
      }
      if (Clock::now() >= next_repeat_) advertise();
    }
  }

 private:
  SimulatedDevice& device_;
  int rssi_;
  const FrameHandlers& to_;
  std::multimap<Clock::time_point, std::function<void()>> timeline_;
  Clock::time_point next_repeat_ = Clock::now();
};

}  // namespace

SimulatorSpec parse_simulator_spec(const std::string& text) {
  SimulatorSpec s;
  const auto colon = text.find(':');
  s.name = text.substr(0, colon);
  if (!find_simulator(s.name)) {
    std::string known;
    for (const SimulatorInfo& i : all_simulators()) known += (known.empty() ? "" : ", ") + std::string(i.name);
    throw std::invalid_argument("'" + s.name + "' is not a simulated device (known: " + known + ")");
  }
  if (colon == std::string::npos) return s;
  std::string rest = text.substr(colon + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    const auto comma = rest.find(',', pos);
    const std::string kv = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? rest.size() + 1 : comma + 1;
    if (kv.empty()) continue;
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("'" + kv + "' is not key=value");
    const std::string key = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (key == "weight") s.options.weight_kg = number(key, v);
    else if (key == "impedance") s.options.impedance_ohm = number(key, v);
    else if (key == "rssi") s.rssi = static_cast<int>(number(key, v));
    else if (key == "address") {
      auto a = MacAddress::parse(v);
      if (!a) throw std::invalid_argument("address=" + v + " is not a Bluetooth address");
      s.options.address = *a;
    } else {
      throw std::invalid_argument("unknown key '" + key + "' for " + s.name + " (known: weight, impedance, address, rssi)");
    }
  }
  return s;
}

std::string SimulatorSource::describe() const {
  auto device = find_simulator(spec_.name)->create(spec_.options);
  return "SIMULATED " + spec_.name + " at " + device->address().str() + " (advertisements only)";
}

void SimulatorSource::run(const FrameHandlers& to, const StopFlag& stop) {
  auto device = find_simulator(spec_.name)->create(spec_.options);
  AdvertHost host(*device, spec_.rssi, to);
  device->attach(host);
  host.run(stop);
}

}  // namespace declouder
