// Simulated devices: the device side of each supported Bluetooth protocol.
//
// A SimulatedDevice says what it advertises (AdvertData, which may change over time: a Mi
// scale's weight climbs, settles, then the load is removed), what GATT table it serves, and
// how it answers writes (on_write -> host().notify(...)). It never talks to D-Bus itself: a
// backend hosts it through the SimHost interface:
//   FakeBluez        (src/sim/fake_bluez.hpp)        plays org.bluez on a private bus, so the
//                                                    real client code runs against it in tests;
//   BluezPeripheral  (src/sim/bluez_peripheral.hpp)  advertises and serves GATT through a real
//                                                    bluetoothd (LEAdvertisingManager1 + GattManager1);
//   SimulatorLink    (src/link/simulator_link.hpp)   a GattLink straight onto the device, for
//                                                    conversations without any bus.
// Simulators build their frames from the protocol facts (each file's opening comment), not
// from the decoders, so the decoders' tests can check them independently.
//
// Each device's simulator lives in its folder (src/devices/<device>/simulator.cpp); its
// descriptor names it, so `declouder simulate --list` comes from the device registry.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/uuid.hpp"

namespace declouder {

// What one advertisement carries.
struct AdvertData {
  std::string name;
  std::vector<std::pair<Uuid, Bytes>> service_data;
  std::vector<std::pair<std::uint16_t, Bytes>> manufacturer_data;
  std::vector<Uuid> service_uuids;
  bool connectable = true;
};

// Characteristic properties (a bit set), as GATT declares them.
enum CharacteristicProperty : unsigned {
  kRead = 1,
  kWrite = 2,
  kWriteWithoutResponse = 4,
  kNotify = 8,
  kIndicate = 16,
};

// What a central hears of an advertisement `d` sent from `address`: the fields BlueZ reports
// (no RSSI, no time: the host that delivers it adds those).
Advertisement heard_advertisement(const AdvertData& d, const MacAddress& address);

// The properties as BlueZ's GattCharacteristic1 "Flags" lists them ("read", "notify", ...).
std::vector<std::string> bluez_flags(unsigned properties);

struct SimCharacteristic {
  Uuid uuid;
  unsigned properties = 0;
  Bytes value;  // initial value for reads
};

struct SimService {
  Uuid uuid;
  std::vector<SimCharacteristic> characteristics;
};

// What a backend offers a device.
class SimHost {
 public:
  virtual ~SimHost() = default;
  // The device's advert() changed: advertise the new data.
  virtual void advert_changed() = 0;
  // Sends a notification (or an indication, per the characteristic's properties) if the
  // central subscribed; otherwise it only updates the value a read returns.
  virtual void notify(const Uuid& characteristic, const Bytes& value) = 0;
  virtual bool subscribed(const Uuid& characteristic) const = 0;
  // Runs fn after `delay` (the device's own timeline).
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  // The device hangs up (a scale that is done, or a flaky radio).
  virtual void disconnect(const std::string& reason) = 0;
  // Unix seconds now (the simulated device's clock).
  virtual std::int64_t unix_now() const = 0;
};

struct SimOptions {
  double weight_kg = 72.35;
  double impedance_ohm = 480;
  std::optional<MacAddress> address;  // default: a fixed address per simulator
  std::string name;                   // default: the real device's advertised name
  int heart_rate_bpm = 0;             // for devices that measure it (0 = none)
  // For devices that encrypt their advertisements (Xiaomi S400/S200/S800): the bindkey; default a
  // fixed test key per simulator (SimulatedDevice::bindkey() says which).
  std::optional<Bindkey> bindkey;
  // Testing aids for the failure tests: the device hangs up after this many writes
  // (once); 0 = never.
  int drop_after_writes = 0;
};

class SimulatedDevice {
 public:
  explicit SimulatedDevice(SimOptions options) : options_(std::move(options)) {}
  virtual ~SimulatedDevice() = default;

  virtual std::string_view kind() const = 0;  // the registry name: "mi-scale-2"
  virtual MacAddress address() const = 0;
  virtual AdvertData advert() const = 0;
  virtual std::vector<SimService> gatt() const { return {}; }  // empty: advertisement-only
  // The key its adverts are encrypted with, as its owner's app holds it (nothing: not encrypted).
  virtual std::optional<Bindkey> bindkey() const { return std::nullopt; }

  // Called once by the backend: the device starts its timeline.
  void attach(SimHost& host) {
    host_ = &host;
    start();
  }
  virtual void on_connect() {}
  virtual void on_disconnect() {}
  virtual void on_subscribe(const Uuid& /*characteristic*/) {}
  virtual void on_write(const Uuid& characteristic, const Bytes& value, bool with_response) = 0;

  const SimOptions& options() const { return options_; }

 protected:
  virtual void start() {}
  SimHost& host() { return *host_; }
  SimOptions options_;

 private:
  SimHost* host_ = nullptr;
};

// Advertisement-only devices share this: writes are not expected.
class AdvertisingOnlyDevice : public SimulatedDevice {
 public:
  using SimulatedDevice::SimulatedDevice;
  void on_write(const Uuid&, const Bytes&, bool) override {}
};

}  // namespace declouder
