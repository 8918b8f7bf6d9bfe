// The BlueZ client: declouder's side of org.bluez on the D-Bus system bus (sdbus-c++ 1.2).
//
//   BluezClient  one bus connection and a mirror of BlueZ's objects (ObjectManager), kept up
//                to date from InterfacesAdded/Removed and PropertiesChanged; adapters;
//                discovery (LE, duplicate data on) with back-off on "InProgress"/busy.
//   Scanner      turns Device1 property updates into Advertisements for FrameHandlers; a
//                watchdog restarts a scanner that went silent; when bluetoothd restarts (the
//                adapter disappears and comes back) discovery resumes by itself.
//   BluezDevice  a GattLink over Device1 + GattCharacteristic1: connect, wait for
//                ServicesResolved, characteristics by UUID, read, write (with or without
//                response), notifications/indications, disconnect with the reason.
//
// The bus is the one named by DBUS_SYSTEM_BUS_ADDRESS (sd-bus honours it), so tests point the
// very same code at a private dbus-daemon where `declouder simulate` plays org.bluez.
// Errors a person can act on come out as BleError with a one-line message.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "core/address.hpp"
#include "core/frame.hpp"
#include "link/ble_error.hpp"
#include "link/gatt_link.hpp"
#include "radio/bus_loop.hpp"

namespace declouder {

using DbusProperties = std::map<std::string, sdbus::Variant>;
using DbusInterfaces = std::map<std::string, DbusProperties>;

struct AdapterInfo {
  std::string path;  // /org/bluez/hci0
  std::string name;  // hci0
  std::string address;
  bool powered = false;
  bool discovering = false;
};

// Builds an Advertisement from a Device1 property set (as BlueZ keeps it: the latest
// advertisement merged with the scan response).
Advertisement advertisement_from_device1(const DbusProperties& device1);

class BluezClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects to the system bus and loads BlueZ's objects. Throws BleError
  // (no_system_bus, bluez_not_running, access_denied).
  BluezClient();
  ~BluezClient();
  BluezClient(const BluezClient&) = delete;
  BluezClient& operator=(const BluezClient&) = delete;

  BusLoop& loop() { return *loop_; }
  sdbus::IConnection& connection() { return *connection_; }

  // Re-reads every object from BlueZ (after it came back).
  void reload();
  bool bluez_present() const { return bluez_present_; }

  std::vector<AdapterInfo> adapters() const;
  // The adapter named `want` ("hci1") or with that address; the first one when `want` is
  // empty. Throws BleError(no_adapter).
  AdapterInfo adapter(const std::string& want) const;

  void power_on(const std::string& adapter_path);
  // SetDiscoveryFilter(Transport=le, DuplicateData=true) + StartDiscovery, retried with
  // back-off (0.25 s, 0.5 s, 1 s, 2 s, 4 s) while BlueZ answers InProgress/busy.
  void start_discovery(const std::string& adapter_path);
  void stop_discovery(const std::string& adapter_path);  // errors ignored

  // The mirror of BlueZ's objects.
  const DbusInterfaces* object(const std::string& path) const;
  const DbusProperties* properties(const std::string& path, const std::string& interface) const;
  std::vector<std::string> paths_under(const std::string& prefix, const std::string& interface) const;
  std::optional<std::string> device_path(const std::string& adapter_path, const MacAddress& address) const;

  // Calls a BlueZ method; D-Bus errors become BleError with a message naming `what`.
  // InProgress/busy answers are retried with back-off when `retry_busy` is set.
  sdbus::MethodReply call(const std::string& path, const std::string& interface, const std::string& method,
                          const std::function<void(sdbus::MethodCall&)>& add_args = {}, bool retry_busy = false,
                          std::chrono::milliseconds timeout = std::chrono::seconds(25));

  // What the client saw, for whoever listens (Scanner, BluezDevice). Several may listen.
  struct Listener {
    std::function<void(const std::string& path, const std::string& interface, const DbusProperties& changed)>
        on_properties;  // also called for every interface in InterfacesAdded
    std::function<void(const std::string& path, const std::vector<std::string>& interfaces)> on_removed;
    std::function<void(bool present)> on_bluez_presence;  // org.bluez left / came back
    std::function<void(const std::string& device_path, const std::string& reason, const std::string& message)>
        on_disconnected;  // Device1.Disconnected (BlueZ 5.80+ and the simulator)
  };
  int add_listener(Listener l);
  void remove_listener(int id);

  // Log lines for people ("discovery busy, retrying in 0.5 s"); default: stderr.
  std::function<void(const std::string&)> log;

 private:
  void on_interfaces_added(sdbus::Message& m);
  void on_interfaces_removed(sdbus::Message& m);
  void on_properties_changed(sdbus::Message& m);
  void on_name_owner_changed(sdbus::Message& m);
  void on_device_disconnected(sdbus::Message& m);

  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<BusLoop> loop_;
  std::vector<sdbus::Slot> matches_;
  std::map<std::string, DbusInterfaces> objects_;
  std::map<int, Listener> listeners_;
  int next_listener_ = 1;
  bool bluez_present_ = false;
};

struct ScanOptions {
  std::string adapter;  // name or address; empty: the first adapter
  // No advertisement for this long while discovering: stop and restart discovery.
  std::chrono::milliseconds watchdog = std::chrono::seconds(30);
};

// Listens for advertisements on one adapter and hands them to FrameHandlers.
class Scanner {
 public:
  using Clock = std::chrono::steady_clock;
  Scanner(BluezClient& client, ScanOptions options, FrameHandlers handlers);
  ~Scanner();

  // Scans until `deadline` or until done() returns true. Survives bluetoothd restarts.
  void run(Clock::time_point deadline, const std::function<bool()>& done = {});

  const AdapterInfo& adapter() const { return adapter_; }
  int advertisements() const { return advertisements_; }
  int watchdog_restarts() const { return watchdog_restarts_; }
  int resumes() const { return resumes_; }  // times discovery resumed after bluetoothd came back

 private:
  void start();
  void arm_watchdog();
  void on_properties(const std::string& path, const std::string& interface, const DbusProperties& changed);

  BluezClient& client_;
  ScanOptions options_;
  FrameHandlers handlers_;
  AdapterInfo adapter_;
  int listener_ = 0;
  bool scanning_ = false;
  bool waiting_for_adapter_ = false;
  Clock::time_point last_advert_;
  BusLoop::TimerId watchdog_timer_ = 0;
  int advertisements_ = 0;
  int watchdog_restarts_ = 0;
  int resumes_ = 0;
};

// One remote device on one adapter, as a GattLink.
class BluezDevice : public GattLink {
 public:
  BluezDevice(BluezClient& client, const AdapterInfo& adapter, const MacAddress& address);
  ~BluezDevice() override;

  void connect(Clock::duration timeout) override;
  void disconnect() override;
  bool connected() const override { return connected_; }
  void subscribe(const Uuid& characteristic) override;
  void write(const Uuid& characteristic, ByteView value, WriteMode mode) override;
  Bytes read(const Uuid& characteristic) override;
  bool has_characteristic(const Uuid& characteristic) const override;
  std::optional<GattValue> next_value(Clock::time_point deadline) override;
  void pause(Clock::duration d) override;
  std::string disconnect_reason() const override { return disconnect_reason_; }
  std::string device_name() const override;

  const std::string& path() const { return path_; }
  // The advertisement BlueZ holds for this device (after connect() found it).
  Advertisement advertisement() const;
  // Finds the device: discovers on the adapter until it is seen. Throws not_found/timeout.
  void find(Clock::duration timeout);

  // For a long-running service: `cancelled` is polled at least every quarter second while
  // waiting (connect, notifications, pauses); once it says true, the wait throws
  // ConversationCancelled, so a stop never waits for a person to step on a scale.
  void set_cancel(std::function<bool()> cancelled) { cancel_ = std::move(cancelled); }

 private:
  [[noreturn]] void unanswered(const BleError& e);
  void drop_link();
  // The bus loop until done() or the deadline, in cancel-polling slices.
  bool wait_until(const std::function<bool()>& done, Clock::time_point deadline);
  std::string characteristic_path(const Uuid& characteristic) const;
  void map_characteristics();
  void check_connected() const;

  BluezClient& client_;
  AdapterInfo adapter_;
  MacAddress address_;
  std::string path_;
  int listener_ = 0;
  bool connected_ = false;
  bool lost_ = false;  // disconnected while we were using it
  std::string disconnect_reason_;
  std::map<Uuid, std::string> characteristics_;  // UUID -> object path
  std::map<std::string, Uuid> uuid_of_path_;
  std::deque<GattValue> values_;
  std::function<bool()> cancel_;
};

}  // namespace declouder
