// A stand-in for bluetoothd: serves org.bluez (ObjectManager, Adapter1, Device1, GattService1,
// GattCharacteristic1, Properties) on the bus named by DBUS_SYSTEM_BUS_ADDRESS, backed by
// simulated devices, so the real client code (scan, read) runs against it on a private
// dbus-daemon. It behaves as BlueZ 5.66 does where declouder depends on it:
//   - devices appear (InterfacesAdded) only while an adapter discovers, each under every
//     discovering adapter; every advertisement updates RSSI/ServiceData/ManufacturerData
//     (PropertiesChanged), as with DuplicateData on;
//   - Connect adds the GATT objects, then ServicesResolved turns true; notifications and
//     indications are PropertiesChanged of Value on subscribed characteristics;
//   - a disconnect emits Device1.Disconnected(reason, message) (BlueZ 5.80+) and
//     Connected=false, and removes the GATT objects.
// Failure injection (FakeBluezOptions) reproduces the field failures the client must survive.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "link/simulated_device.hpp"
#include "radio/bus_loop.hpp"

namespace declouder {

struct FakeBluezOptions {
  std::vector<std::string> adapters{"hci0"};
  // StartDiscovery answers org.bluez.Error.InProgress this many times first.
  int busy_discovery_starts = 0;
  // bluetoothd "restarts" this long after start (once): org.bluez leaves the bus with every
  // object, and comes back `restart_gap` later with fresh adapters. 0 = never.
  std::chrono::milliseconds restart_after{0};
  std::chrono::milliseconds restart_gap{1000};
  // The scanner goes silent this long after discovery starts (adverts stop arriving) until
  // discovery is stopped and started again, as wedged controllers do. 0 = never.
  std::chrono::milliseconds silent_after{0};
  // bluetoothd queues ServicesResolved and the InterfacesAdded of the GATT objects separately,
  // so a client can see the flag before the objects: with this set, the characteristics are
  // announced only after ServicesResolved (GetManagedObjects has them all along).
  bool gatt_objects_after_resolved = false;
  // The first this many connections stay connected with ServicesResolved false (a service
  // discovery that stalled).
  int unresolved_connects = 0;
  // The first this many StartNotify calls get no answer (the client's call times out: the
  // fake answers NoReply at once, as libdbus reports a timeout).
  int unanswered_subscriptions = 0;
  // The first this many Connect calls get no answer (NoReply at once, as for a subscription), and
  // the adapter goes on creating that connection, as a controller does: every other Connect on
  // it fails until that device's Disconnect cancels the attempt.
  int unanswered_connects = 0;
  // Idle re-advertising period for every device.
  std::chrono::milliseconds advert_interval{500};
};

class FakeBluez {
 public:
  FakeBluez(sdbus::IConnection& connection, BusLoop& loop, std::vector<std::unique_ptr<SimulatedDevice>> devices,
            FakeBluezOptions options = {});
  ~FakeBluez();

  // Exports the adapters, takes the name org.bluez and starts the devices' timelines.
  void start();

  // Counters for tests.
  int discovery_starts() const { return discovery_starts_; }

 private:
  struct Adapter;
  struct DeviceView;
  struct Host;

  void create_adapter(const std::string& name, int index);
  void advertise(std::size_t device_index);
  void connect(DeviceView& view);
  void drop(std::size_t device_index, const std::string& reason, bool remote);
  void remove_gatt(DeviceView& view);
  void restart_down();
  void restart_up();
  DeviceView* connected_view(std::size_t device_index);

  sdbus::IConnection& connection_;
  BusLoop& loop_;
  std::vector<std::unique_ptr<SimulatedDevice>> devices_;
  std::vector<std::unique_ptr<Host>> hosts_;
  FakeBluezOptions options_;
  std::vector<std::unique_ptr<Adapter>> adapters_;
  bool up_ = false;
  int discovery_starts_ = 0;
  int busy_left_ = 0;
  std::map<std::size_t, int> write_counts_;  // per device, for drop_after_writes
  int unresolved_left_ = 0;                  // options_.unresolved_connects still to come
  int unanswered_left_ = 0;                  // options_.unanswered_subscriptions still to come
  int unanswered_connects_left_ = 0;         // options_.unanswered_connects still to come
};

}  // namespace declouder
