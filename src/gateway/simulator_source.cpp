#include <cmath>
#include "gateway/simulator_source.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/time.hpp"
#include "link/simulator_link.hpp"

namespace declouder {

namespace {

// A simulated scale sends what a real one could: a negative weight would wrap around in its
// frame (picooc-mini:weight=-5 once became 3271.8 kg), so values outside [lo, hi] are refused.
double number(const std::string& key, const std::string& v, double lo, double hi) {
  try {
    std::size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d)) {
      if (d < lo || d > hi)
        throw std::invalid_argument(key + "=" + v + " is out of range (" + std::to_string(static_cast<int>(lo)) +
                                    " to " + std::to_string(static_cast<int>(hi)) + ")");
      return d;
    }
  } catch (const std::invalid_argument& e) {
    if (std::string_view(e.what()).find("out of range") != std::string_view::npos) throw;
  } catch (const std::out_of_range&) {
  }
  throw std::invalid_argument(key + "=" + v + " is not a number");
}

}  // namespace

SimulatorSpec parse_simulator_spec(const std::string& text, const DeviceRegistry& devices) {
  SimulatorSpec s;
  const auto colon = text.find(':');
  s.name = text.substr(0, colon);
  s.simulator = devices.find_simulator(s.name);
  if (!s.simulator) {
    std::string known;
    for (const DeviceDescriptor* d : devices.devices())
      if (d->simulator) known += (known.empty() ? "" : ", ") + d->simulator->name;
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
    if (key == "weight") s.options.weight_kg = number(key, v, 1, 300);
    else if (key == "impedance") s.options.impedance_ohm = number(key, v, 0, 5000);
    else if (key == "rssi") s.rssi = static_cast<int>(number(key, v, -127, 20));
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
  auto device = spec_.simulator->create(spec_.options);
  const bool talks = !device->gatt().empty();
  return "SIMULATED " + spec_.name + " at " + device->address().str() +
         (talks ? " (advertisements and GATT)" : " (advertisements only)");
}

std::optional<std::pair<MacAddress, Bindkey>> SimulatorSource::device_key() const {
  auto device = spec_.simulator->create(spec_.options);
  if (auto key = device->bindkey()) return std::make_pair(device->address(), *key);
  return std::nullopt;
}

bool SimulatorSource::can_converse() const { return !spec_.simulator->create(spec_.options)->gatt().empty(); }

void SimulatorSource::run(const FrameHandlers& to, const StopFlag& stop) {
  using Clock = std::chrono::steady_clock;
  const auto repeat = std::chrono::milliseconds(100);
  Clock::time_point next_repeat = Clock::now();
  MacAddress address;
  auto advertise = [&](const AdvertData& d) {
    Advertisement a = heard_advertisement(d, address);
    a.rssi = spec_.rssi;
    a.time_us = now_unix_us();
    if (to.on_advertisement) to.on_advertisement(a);
    next_repeat = Clock::now() + repeat;
  };
  bool connected = false;  // a connected device does not advertise (as BlueZ would see it)
  SimulatorLink::WallClock wall;
  wall.sleep = [&](std::chrono::milliseconds d) { return stop.wait_for(d); };
  wall.on_advert = [&](const AdvertData& d) {
    if (!connected) advertise(d);
  };
  auto device = spec_.simulator->create(spec_.options);
  address = device->address();
  SimulatorLink link(std::move(device), wall);  // starts the device's timeline
  while (!stop.requested()) {
    // The device's timeline runs while we wait for the next repeat of its advertisement.
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_repeat - Clock::now());
    link.advance(std::max(wait, std::chrono::milliseconds(0)));
    if (stop.requested()) return;
    if (Clock::now() >= next_repeat) advertise(link.device().advert());
    if (auto request = take_conversation_request()) {
      connected = true;
      const ConversationOutcome outcome = hold_conversation(link, *request, to);
      connected = false;
      if (request->done) request->done(outcome);
    }
  }
}

}  // namespace declouder
