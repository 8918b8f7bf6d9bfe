// Hosts a SimulatedDevice on a real bluetoothd, through BlueZ's peripheral API:
// LEAdvertisingManager1.RegisterAdvertisement (an org.bluez.LEAdvertisement1 object of ours)
// and GattManager1.RegisterApplication (an ObjectManager of GattService1/GattCharacteristic1
// objects of ours). Used by `declouder simulate --backend bluez` in the virtual machine tier,
// where btvirt links two virtual controllers: the simulator on one, declouder on the other.
//
// BlueZ gives an adapter one address and one GATT database, so this hosts one device.
// Legacy advertising carries at most 31 bytes: the simulators' adverts fit (name included).
// When the device's advertisement changes (a Mi scale's weight), the LEAdvertisement1
// properties change (PropertiesChanged), which bluetoothd applies to the running advertisement.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "link/simulated_device.hpp"
#include "radio/bus_loop.hpp"

namespace declouder {

// The adapter a peripheral would use: bluetoothd's adapter named `adapter` ("hci1" or its
// address; empty: the first), as its object path and address. Throws std::runtime_error with
// the reason. A simulated device takes that address: the central sees it, and devices whose
// keys or frames depend on their address (Eufy P2, Xiaomi MiBeacon) must use the same one.
struct PeripheralAdapter {
  std::string path;
  MacAddress address;
};
PeripheralAdapter find_peripheral_adapter(sdbus::IConnection& connection, const std::string& adapter);

class BluezPeripheral : public SimHost {
 public:
  BluezPeripheral(sdbus::IConnection& connection, BusLoop& loop, std::unique_ptr<SimulatedDevice> device,
                  std::string adapter);
  ~BluezPeripheral() override;

  // Registers the advertisement and the GATT application; throws CommandError with the reason.
  void start();
  void stop();

  // SimHost
  void advert_changed() override;
  void notify(const Uuid& characteristic, const Bytes& value) override;
  bool subscribed(const Uuid& characteristic) const override;
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void disconnect(const std::string& reason) override;
  std::int64_t unix_now() const override;

 private:
  struct Characteristic {
    SimCharacteristic spec;
    std::string path;
    bool notifying = false;
    Bytes value;
    std::unique_ptr<sdbus::IObject> object;
  };
  void export_gatt();
  void export_advertisement();
  void take_device_name();
  void keep_advertising();
  void saw_central(const std::map<std::string, sdbus::Variant>& options);
  void central_connected(const std::string& path, bool connected);
  Characteristic* find(const Uuid& u) const;

  sdbus::IConnection& connection_;
  BusLoop& loop_;
  std::unique_ptr<SimulatedDevice> device_;
  std::string adapter_name_;
  std::string adapter_path_;
  std::unique_ptr<sdbus::IObject> app_;
  std::vector<std::unique_ptr<sdbus::IObject>> services_;
  std::vector<std::unique_ptr<Characteristic>> characteristics_;
  std::unique_ptr<sdbus::IObject> advertisement_;
  std::unique_ptr<sdbus::IProxy> adapter_proxy_;
  std::string central_path_;  // the connected central, as bluetoothd names it
  sdbus::Slot central_watch_;
  sdbus::Slot central_added_watch_;
  AdvertData advert_;
  bool registered_ = false;
  std::chrono::steady_clock::time_point last_announced_{};  // when bluetoothd was last told the advert
  std::optional<std::string> previous_alias_;  // the adapter's Alias before we took the device's name
};

}  // namespace declouder
