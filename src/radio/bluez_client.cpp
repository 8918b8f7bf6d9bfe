#include "radio/bluez_client.hpp"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/time.hpp"

namespace declouder {

namespace {

constexpr const char* kBluez = "org.bluez";
constexpr const char* kAdapter1 = "org.bluez.Adapter1";
constexpr const char* kDevice1 = "org.bluez.Device1";
constexpr const char* kCharacteristic1 = "org.bluez.GattCharacteristic1";
constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

template <typename T>
std::optional<T> get(const DbusProperties& props, const std::string& key) {
  auto it = props.find(key);
  if (it == props.end() || !it->second.containsValueOfType<T>()) return std::nullopt;
  return it->second.get<T>();
}

std::string system_bus_address() {
  const char* a = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  return a && *a ? a : "unix:path=/run/dbus/system_bus_socket";
}

bool is_busy(const std::string& name, const std::string& message) {
  return name == "org.bluez.Error.InProgress" || name == "org.bluez.Error.Busy" ||
         name == "org.bluez.Error.NotReady" ||
         (name == "org.bluez.Error.Failed" && (message.find("in progress") != std::string::npos ||
                                               message.find("Busy") != std::string::npos ||
                                               message.find("busy") != std::string::npos));
}

// The one-line, actionable messages.
const char* kNotRunning =
    "bluetoothd is not running (nobody owns org.bluez on the D-Bus system bus): start it with "
    "'sudo systemctl start bluetooth'";
const char* kDenied =
    "not allowed to talk to org.bluez on the D-Bus system bus: add this user to the 'bluetooth' group "
    "('sudo adduser $USER bluetooth', then log in again), run as root, or allow it in a policy file in "
    "/etc/dbus-1/system.d/ (Debian's bluetooth.conf allows group bluetooth)";

BleError translate(const sdbus::Error& e, const std::string& what) {
  const std::string& n = e.getName();
  const std::string& m = e.getMessage();
  if (n == "org.freedesktop.DBus.Error.ServiceUnknown" || n == "org.freedesktop.DBus.Error.NameHasNoOwner")
    return BleError(BleErrorKind::bluez_not_running, kNotRunning, n);
  if (n == "org.freedesktop.DBus.Error.AccessDenied") return BleError(BleErrorKind::access_denied, kDenied, n);
  if (n == "org.freedesktop.DBus.Error.NoReply" || n == "org.freedesktop.DBus.Error.Timeout" ||
      n == "org.freedesktop.DBus.Error.TimedOut" || n == "org.bluez.Error.Timeout")
    return BleError(BleErrorKind::timeout, what + ": no answer in time (" + n + ")", n);
  if (is_busy(n, m)) return BleError(BleErrorKind::busy, what + ": adapter busy (" + n + " " + m + ")", n);
  if (n == "org.freedesktop.DBus.Error.UnknownObject" || n == "org.bluez.Error.DoesNotExist")
    return BleError(BleErrorKind::not_found, what + ": not found (" + n + ")", n);
  return BleError(BleErrorKind::failed, what + ": " + n + (m.empty() ? "" : " (" + m + ")"), n);
}

Bytes bytes_of(const sdbus::Variant& v) {
  if (v.containsValueOfType<std::vector<std::uint8_t>>()) return v.get<std::vector<std::uint8_t>>();
  return {};
}

std::string object_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Advertisement advertisement_from_device1(const DbusProperties& d) {
  Advertisement adv;
  if (auto a = get<std::string>(d, "Address")) adv.address = MacAddress::parse(*a);
  if (auto n = get<std::string>(d, "Name")) adv.name = *n;
  if (auto r = get<std::int16_t>(d, "RSSI")) adv.rssi = *r;
  if (auto sd = get<std::map<std::string, sdbus::Variant>>(d, "ServiceData"))
    for (const auto& [uuid_text, value] : *sd)
      if (auto u = Uuid::parse(uuid_text)) adv.service_data.emplace_back(*u, bytes_of(value));
  if (auto md = get<std::map<std::uint16_t, sdbus::Variant>>(d, "ManufacturerData"))
    for (const auto& [company, value] : *md) adv.manufacturer_data.emplace_back(company, bytes_of(value));
  if (auto uuids = get<std::vector<std::string>>(d, "UUIDs"))
    for (const auto& t : *uuids)
      if (auto u = Uuid::parse(t)) adv.service_uuids.push_back(*u);
  adv.time_us = now_unix_us();
  return adv;
}

// ---------------------------------------------------------------------------------------------
// BluezClient

BluezClient::BluezClient() {
  log = [](const std::string& line) { std::fprintf(stderr, "declouder: %s\n", line.c_str()); };
  try {
    connection_ = sdbus::createSystemBusConnection();
  } catch (const sdbus::Error& e) {
    throw BleError(BleErrorKind::no_system_bus,
                   "cannot connect to the D-Bus system bus at " + system_bus_address() +
                       ": is dbus running? ('sudo systemctl start dbus'; " + e.getMessage() + ")",
                   e.getName());
  }
  loop_ = std::make_unique<BusLoop>(*connection_);
  auto add = [&](const std::string& rule, void (BluezClient::*fn)(sdbus::Message&)) {
    matches_.push_back(connection_->addMatch(rule, [this, fn](sdbus::Message& m) { (this->*fn)(m); }));
  };
  add("type='signal',sender='org.bluez',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesAdded'",
      &BluezClient::on_interfaces_added);
  add("type='signal',sender='org.bluez',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesRemoved'",
      &BluezClient::on_interfaces_removed);
  add("type='signal',sender='org.bluez',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
      "path_namespace='/org/bluez'",
      &BluezClient::on_properties_changed);
  add("type='signal',sender='org.bluez',interface='org.bluez.Device1',member='Disconnected'",
      &BluezClient::on_device_disconnected);
  add("type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',"
      "arg0='org.bluez'",
      &BluezClient::on_name_owner_changed);
  reload();
}

BluezClient::~BluezClient() = default;

void BluezClient::reload() {
  std::map<sdbus::ObjectPath, std::map<std::string, DbusProperties>> managed;
  try {
    auto proxy = sdbus::createProxy(*connection_, kBluez, "/");
    auto call = proxy->createMethodCall(kObjectManager, "GetManagedObjects");
    auto reply = proxy->callMethod(call, 10'000'000);
    reply >> managed;
  } catch (const sdbus::Error& e) {
    throw translate(e, "listing BlueZ objects");  // not running, not allowed, ...
  }
  objects_.clear();
  for (auto& [path, ifaces] : managed) objects_[path] = std::move(ifaces);
  bluez_present_ = true;
}

std::vector<AdapterInfo> BluezClient::adapters() const {
  std::vector<AdapterInfo> out;
  for (const auto& [path, ifaces] : objects_) {
    auto it = ifaces.find(kAdapter1);
    if (it == ifaces.end()) continue;
    AdapterInfo a;
    a.path = path;
    a.name = object_name(path);
    a.address = get<std::string>(it->second, "Address").value_or("");
    a.powered = get<bool>(it->second, "Powered").value_or(false);
    a.discovering = get<bool>(it->second, "Discovering").value_or(false);
    out.push_back(a);
  }
  return out;
}

AdapterInfo BluezClient::adapter(const std::string& want) const {
  auto all = adapters();
  if (all.empty())
    throw BleError(BleErrorKind::no_adapter,
                   "no Bluetooth adapter: bluetoothd is running but has none (plug one in or "
                   "'rfkill unblock bluetooth'; 'bluetoothctl list' shows them)");
  if (want.empty()) return all.front();
  auto want_mac = MacAddress::parse(want);
  for (const auto& a : all) {
    if (a.name == want) return a;
    if (want_mac && MacAddress::parse(a.address) == want_mac) return a;
  }
  std::string names;
  for (const auto& a : all) names += (names.empty() ? "" : ", ") + a.name + " (" + a.address + ")";
  throw BleError(BleErrorKind::no_adapter, "no Bluetooth adapter '" + want + "': there is " + names);
}

sdbus::MethodReply BluezClient::call(const std::string& path, const std::string& interface, const std::string& method,
                                     const std::function<void(sdbus::MethodCall&)>& add_args, bool retry_busy,
                                     std::chrono::milliseconds timeout) {
  const std::string what = method + " on " + path;
  std::chrono::milliseconds backoff(250);
  for (int attempt = 0;; ++attempt) {
    try {
      auto proxy = sdbus::createProxy(*connection_, kBluez, path);
      auto call = proxy->createMethodCall(interface, method);
      if (add_args) add_args(call);
      return proxy->callMethod(call, static_cast<std::uint64_t>(timeout.count()) * 1000);
    } catch (const sdbus::Error& e) {
      BleError err = translate(e, what);
      if (err.kind != BleErrorKind::busy || !retry_busy || attempt >= 5) throw err;
      log(what + ": " + e.getName() + ", retrying in " + std::to_string(backoff.count()) + " ms");
      // Keep handling signals while we back off.
      loop_->run_for(backoff);
      backoff *= 2;
    }
  }
}

void BluezClient::power_on(const std::string& adapter_path) {
  const DbusProperties* p = properties(adapter_path, kAdapter1);
  if (p && get<bool>(*p, "Powered").value_or(false)) return;
  call(adapter_path, kProperties, "Set", [](sdbus::MethodCall& c) {
    c << std::string(kAdapter1) << std::string("Powered") << sdbus::Variant(true);
  });
}

void BluezClient::start_discovery(const std::string& adapter_path) {
  call(adapter_path, kAdapter1, "SetDiscoveryFilter", [](sdbus::MethodCall& c) {
    std::map<std::string, sdbus::Variant> filter{{"Transport", sdbus::Variant(std::string("le"))},
                                                 {"DuplicateData", sdbus::Variant(true)}};
    c << filter;
  }, true);
  call(adapter_path, kAdapter1, "StartDiscovery", {}, true);
}

void BluezClient::stop_discovery(const std::string& adapter_path) {
  try {
    call(adapter_path, kAdapter1, "StopDiscovery", {}, false, std::chrono::seconds(5));
  } catch (const BleError&) {
    // Not discovering, or BlueZ went away: nothing to stop.
  }
}

const DbusInterfaces* BluezClient::object(const std::string& path) const {
  auto it = objects_.find(path);
  return it == objects_.end() ? nullptr : &it->second;
}

const DbusProperties* BluezClient::properties(const std::string& path, const std::string& interface) const {
  const DbusInterfaces* o = object(path);
  if (!o) return nullptr;
  auto it = o->find(interface);
  return it == o->end() ? nullptr : &it->second;
}

std::vector<std::string> BluezClient::paths_under(const std::string& prefix, const std::string& interface) const {
  std::vector<std::string> out;
  for (auto it = objects_.lower_bound(prefix); it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it)
    if (it->second.count(interface)) out.push_back(it->first);
  return out;
}

std::optional<std::string> BluezClient::device_path(const std::string& adapter_path, const MacAddress& address) const {
  // BlueZ names device objects dev_AA_BB_..., but match on the Address property to be safe.
  for (const auto& path : paths_under(adapter_path + "/", kDevice1)) {
    const DbusProperties* p = properties(path, kDevice1);
    if (auto a = get<std::string>(*p, "Address"); a && MacAddress::parse(*a) == address) return path;
  }
  return std::nullopt;
}

int BluezClient::add_listener(Listener l) {
  int id = next_listener_++;
  listeners_[id] = std::move(l);
  return id;
}

void BluezClient::remove_listener(int id) { listeners_.erase(id); }

void BluezClient::on_interfaces_added(sdbus::Message& m) {
  sdbus::ObjectPath path;
  std::map<std::string, DbusProperties> ifaces;
  m >> path >> ifaces;
  auto& obj = objects_[path];
  for (auto& [name, props] : ifaces) {
    auto& target = obj[name];
    for (auto& [k, v] : props) target[k] = v;
  }
  auto copy = listeners_;  // a listener may remove itself
  for (auto& [name, props] : ifaces)
    for (auto& [id, l] : copy)
      if (l.on_properties) l.on_properties(path, name, props);
}

void BluezClient::on_interfaces_removed(sdbus::Message& m) {
  sdbus::ObjectPath path;
  std::vector<std::string> ifaces;
  m >> path >> ifaces;
  auto it = objects_.find(path);
  if (it != objects_.end()) {
    for (const auto& i : ifaces) it->second.erase(i);
    if (it->second.empty()) objects_.erase(it);
  }
  auto copy = listeners_;
  for (auto& [id, l] : copy)
    if (l.on_removed) l.on_removed(path, ifaces);
}

void BluezClient::on_properties_changed(sdbus::Message& m) {
  std::string interface;
  DbusProperties changed;
  std::vector<std::string> invalidated;
  m >> interface >> changed >> invalidated;
  const std::string path = m.getPath();
  auto& props = objects_[path][interface];
  for (auto& [k, v] : changed) props[k] = v;
  for (auto& k : invalidated) props.erase(k);
  auto copy = listeners_;
  for (auto& [id, l] : copy)
    if (l.on_properties) l.on_properties(path, interface, changed);
}

void BluezClient::on_name_owner_changed(sdbus::Message& m) {
  std::string name, old_owner, new_owner;
  m >> name >> old_owner >> new_owner;
  if (name != kBluez) return;
  const bool present = !new_owner.empty();
  if (!present) {
    objects_.clear();
    bluez_present_ = false;
  } else {
    try {
      reload();
    } catch (const BleError& e) {
      log(std::string("bluetoothd came back but could not be read: ") + e.what());
      return;
    }
  }
  auto copy = listeners_;
  for (auto& [id, l] : copy)
    if (l.on_bluez_presence) l.on_bluez_presence(present);
}

void BluezClient::on_device_disconnected(sdbus::Message& m) {
  std::string reason, message;
  try {
    m >> reason >> message;
  } catch (const sdbus::Error&) {
  }
  auto copy = listeners_;
  for (auto& [id, l] : copy)
    if (l.on_disconnected) l.on_disconnected(m.getPath(), reason, message);
}

// ---------------------------------------------------------------------------------------------
// Scanner

Scanner::Scanner(BluezClient& client, ScanOptions options, FrameHandlers handlers)
    : client_(client), options_(std::move(options)), handlers_(std::move(handlers)) {
  adapter_ = client_.adapter(options_.adapter);
  BluezClient::Listener l;
  l.on_properties = [this](const std::string& path, const std::string& iface, const DbusProperties& changed) {
    on_properties(path, iface, changed);
  };
  l.on_removed = [this](const std::string& path, const std::vector<std::string>& ifaces) {
    if (path != adapter_.path) return;
    for (const auto& i : ifaces)
      if (i == kAdapter1 && scanning_) {
        client_.log("adapter " + adapter_.name + " went away; waiting for it to come back");
        scanning_ = false;
        waiting_for_adapter_ = true;
      }
  };
  l.on_bluez_presence = [this](bool present) {
    if (!present) {
      if (scanning_ || !waiting_for_adapter_) client_.log("bluetoothd went away; waiting for it to come back");
      scanning_ = false;
      waiting_for_adapter_ = true;
      return;
    }
    // bluetoothd is back: our adapter may already be there (reload() read it).
    if (waiting_for_adapter_ && client_.object(adapter_.path) && client_.properties(adapter_.path, kAdapter1)) start();
  };
  listener_ = client_.add_listener(std::move(l));
}

Scanner::~Scanner() {
  client_.remove_listener(listener_);
  if (watchdog_timer_) client_.loop().cancel(watchdog_timer_);
  if (scanning_) client_.stop_discovery(adapter_.path);
}

void Scanner::start() {
  const bool resuming = waiting_for_adapter_;
  waiting_for_adapter_ = false;
  try {
    client_.power_on(adapter_.path);
    client_.start_discovery(adapter_.path);
  } catch (const BleError& e) {
    if (!resuming) throw;
    // bluetoothd may still be settling after its restart: try again shortly.
    client_.log(std::string("resuming discovery failed (") + e.what() + "); retrying");
    waiting_for_adapter_ = true;
    client_.loop().after(std::chrono::milliseconds(500), [this] {
      if (waiting_for_adapter_ && client_.properties(adapter_.path, kAdapter1)) start();
    });
    return;
  }
  scanning_ = true;
  last_advert_ = Clock::now();
  if (resuming) {
    ++resumes_;
    client_.log("adapter " + adapter_.name + " is back; discovery resumed");
  }
  // Devices BlueZ already knows (seen before we started) count as advertisements now.
  for (const auto& path : client_.paths_under(adapter_.path + "/", kDevice1))
    if (const DbusProperties* p = client_.properties(path, kDevice1)) {
      if (!p->count("RSSI")) continue;  // cached, not currently advertising
      ++advertisements_;
      if (handlers_.on_advertisement) handlers_.on_advertisement(advertisement_from_device1(*p));
    }
  arm_watchdog();
}

void Scanner::arm_watchdog() {
  if (watchdog_timer_) client_.loop().cancel(watchdog_timer_);
  watchdog_timer_ = client_.loop().after(options_.watchdog / 4, [this] {
    watchdog_timer_ = 0;
    if (scanning_ && Clock::now() - last_advert_ >= options_.watchdog) {
      ++watchdog_restarts_;
      client_.log("no advertisement for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options_.watchdog).count()) +
                  " s: restarting discovery on " + adapter_.name);
      client_.stop_discovery(adapter_.path);
      try {
        client_.start_discovery(adapter_.path);
      } catch (const BleError& e) {
        client_.log(std::string("restarting discovery failed: ") + e.what());
      }
      last_advert_ = Clock::now();
    }
    arm_watchdog();
  });
}

void Scanner::on_properties(const std::string& path, const std::string& iface, const DbusProperties& changed) {
  if (iface == kAdapter1 && path == adapter_.path) {
    // The adapter (re)appeared after bluetoothd restarted.
    if (waiting_for_adapter_ && changed.count("Address")) start();
    return;
  }
  if (!scanning_ || iface != kDevice1) return;
  if (path.compare(0, adapter_.path.size() + 1, adapter_.path + "/") != 0) return;  // another adapter's view
  // An advertisement shows up as a change of what it carries.
  if (!changed.count("RSSI") && !changed.count("ServiceData") && !changed.count("ManufacturerData") &&
      !changed.count("Name") && !changed.count("UUIDs"))
    return;
  const DbusProperties* props = client_.properties(path, kDevice1);
  if (!props) return;
  last_advert_ = Clock::now();
  ++advertisements_;
  if (handlers_.on_advertisement) handlers_.on_advertisement(advertisement_from_device1(*props));
}

void Scanner::run(Clock::time_point deadline, const std::function<bool()>& done) {
  if (!scanning_ && !waiting_for_adapter_) start();
  client_.loop().run_until([&] { return done && done(); }, deadline);
}

// ---------------------------------------------------------------------------------------------
// BluezDevice

BluezDevice::BluezDevice(BluezClient& client, const AdapterInfo& adapter, const MacAddress& address)
    : client_(client), adapter_(adapter), address_(address) {
  BluezClient::Listener l;
  l.on_properties = [this](const std::string& path, const std::string& iface, const DbusProperties& changed) {
    if (path_.empty()) return;
    if (iface == kDevice1 && path == path_) {
      if (auto c = get<bool>(changed, "Connected")) {
        if (connected_ && !*c) {
          lost_ = true;
          if (disconnect_reason_.empty()) disconnect_reason_ = "connection lost (BlueZ gave no reason)";
        }
        connected_ = *c;
      }
      return;
    }
    if (iface == kCharacteristic1 && changed.count("Value")) {
      auto it = uuid_of_path_.find(path);
      if (it == uuid_of_path_.end()) return;
      GattValue v;
      v.characteristic = it->second;
      v.value = bytes_of(changed.at("Value"));
      v.address = address_;
      v.device_name = device_name();
      v.time_us = now_unix_us();
      values_.push_back(std::move(v));
    }
  };
  l.on_disconnected = [this](const std::string& path, const std::string& reason, const std::string& message) {
    if (path != path_) return;
    disconnect_reason_ = message.empty() ? reason : message + " (" + reason + ")";
  };
  l.on_bluez_presence = [this](bool present) {
    if (!present && connected_) {
      connected_ = false;
      lost_ = true;
      disconnect_reason_ = "bluetoothd went away";
    }
  };
  listener_ = client_.add_listener(std::move(l));
}

BluezDevice::~BluezDevice() {
  client_.remove_listener(listener_);
  if (connected_) {
    try {
      disconnect();
    } catch (...) {
    }
  }
}

std::string BluezDevice::device_name() const {
  if (path_.empty()) return {};
  const DbusProperties* p = client_.properties(path_, kDevice1);
  return p ? get<std::string>(*p, "Name").value_or("") : "";
}

Advertisement BluezDevice::advertisement() const {
  const DbusProperties* p = path_.empty() ? nullptr : client_.properties(path_, kDevice1);
  return p ? advertisement_from_device1(*p) : Advertisement{};
}

void BluezDevice::find(Clock::duration timeout) {
  if (auto p = client_.device_path(adapter_.path, address_)) {
    path_ = *p;
    return;
  }
  client_.power_on(adapter_.path);
  client_.start_discovery(adapter_.path);
  const auto deadline = Clock::now() + timeout;
  client_.loop().run_until([&] { return client_.device_path(adapter_.path, address_).has_value(); }, deadline);
  client_.stop_discovery(adapter_.path);
  auto p = client_.device_path(adapter_.path, address_);
  if (!p)
    throw BleError(BleErrorKind::not_found, "device " + address_.str() + " not seen by " + adapter_.name + " in " +
                                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                                " s: is it awake and in range?");
  path_ = *p;
}

void BluezDevice::connect(Clock::duration timeout) {
  if (path_.empty() || !client_.properties(path_, kDevice1)) {
    path_.clear();
    find(timeout);
  }
  auto resolved = [&] {
    const DbusProperties* p = client_.properties(path_, kDevice1);
    return p && get<bool>(*p, "ServicesResolved").value_or(false);
  };
  // A service discovery that stalls (BlueZ then keeps the link up with ServicesResolved false)
  // is cured by connecting again, as a phone app does: one more connection with its own
  // timeout before giving up. Met in the VM tier about once in ten connections.
  for (int attempt = 1;; ++attempt) {
    const auto deadline = Clock::now() + timeout;
    disconnect_reason_.clear();
    lost_ = false;
    values_.clear();
    try {
      client_.call(path_, kDevice1, "Connect", {}, true,
                   std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    } catch (const BleError& e) {
      // A Connect we stopped waiting for goes on in bluetoothd: the controller keeps creating
      // that connection and refuses every other one until it is cancelled, so one scale out of
      // reach would keep the adapter from all the others. (Met in the VM tier: after a Trisa's
      // reconnect timed out, every scale after it on that adapter timed out too.) Disconnect
      // cancels the attempt.
      if (e.kind == BleErrorKind::timeout) disconnect();
      throw;
    }
    connected_ = true;
    if (wait_until([&] { return resolved() || lost_; }, deadline)) break;
    const std::string what = "connected to " + address_.str() + " but its services were not resolved in time";
    if (attempt == 2) throw BleError(BleErrorKind::timeout, what + " (twice)");
    if (client_.log) client_.log(what + "; connecting again");
    drop_link();
  }
  if (lost_) throw LinkLost(disconnect_reason_);
  // bluetoothd sends ServicesResolved and the InterfacesAdded of the GATT objects from separate
  // idle queues, so the flag can come first: in the VM tier a SIG scale's User Control Point
  // (0x2A9F, its fourth service) was missing from the signals when the flag arrived, and the
  // conversation failed with "no characteristic 2a9f". GetManagedObjects answers with every
  // object bluetoothd has registered, so the map is read from a fresh copy.
  client_.reload();
  map_characteristics();
}

void BluezDevice::map_characteristics() {
  characteristics_.clear();
  uuid_of_path_.clear();
  for (const auto& path : client_.paths_under(path_ + "/", kCharacteristic1)) {
    const DbusProperties* p = client_.properties(path, kCharacteristic1);
    auto text = get<std::string>(*p, "UUID");
    if (!text) continue;
    auto u = Uuid::parse(*text);
    if (!u) continue;
    characteristics_.emplace(*u, path);  // the first one wins when a UUID repeats
    uuid_of_path_[path] = *u;
  }
}

bool BluezDevice::has_characteristic(const Uuid& c) const { return characteristics_.count(c) > 0; }

std::string BluezDevice::characteristic_path(const Uuid& c) const {
  auto it = characteristics_.find(c);
  if (it == characteristics_.end())
    throw BleError(BleErrorKind::not_found, "device " + address_.str() + " has no characteristic " + c.short_str());
  return it->second;
}

void BluezDevice::check_connected() const {
  if (lost_ || !connected_) throw LinkLost(disconnect_reason_.empty() ? "not connected" : disconnect_reason_);
}

// An ATT request that gets no answer: the Core specification (Vol 3, Part F, 3.3.3) ends the
// bearer after a 30 s transaction timeout, and no further request may be sent on it. So the
// link is dropped and reported lost: the session connects again and resumes, as it does
// after any lost link. (Met in the VM tier: a StartNotify whose CCC write was never answered.)
[[noreturn]] void BluezDevice::unanswered(const BleError& e) {
  drop_link();
  throw LinkLost(std::string(e.what()) + "; the link was dropped (an unanswered request ends it)");
}

void BluezDevice::subscribe(const Uuid& c) {
  check_connected();
  try {
    client_.call(characteristic_path(c), kCharacteristic1, "StartNotify", {}, true);
  } catch (const BleError& e) {
    client_.loop().run_for(std::chrono::milliseconds(0));
    if (lost_) throw LinkLost(disconnect_reason_);
    if (e.kind == BleErrorKind::timeout) unanswered(e);
    throw;
  }
}

void BluezDevice::write(const Uuid& c, ByteView value, WriteMode mode) {
  check_connected();
  const std::string path = characteristic_path(c);
  try {
    client_.call(path, kCharacteristic1, "WriteValue", [&](sdbus::MethodCall& call) {
      std::vector<std::uint8_t> bytes(value.begin(), value.end());
      std::map<std::string, sdbus::Variant> options{
          {"type", sdbus::Variant(std::string(mode == WriteMode::with_response ? "request" : "command"))}};
      call << bytes << options;
    }, true);
  } catch (const BleError& e) {
    // A write that fails because the device just hung up is a lost link, not a protocol error.
    client_.loop().run_for(std::chrono::milliseconds(0));
    if (lost_) throw LinkLost(disconnect_reason_);
    if (e.kind == BleErrorKind::timeout && mode == WriteMode::with_response) unanswered(e);
    throw;
  }
}

Bytes BluezDevice::read(const Uuid& c) {
  check_connected();
  auto reply = client_.call(characteristic_path(c), kCharacteristic1, "ReadValue", [](sdbus::MethodCall& call) {
    call << std::map<std::string, sdbus::Variant>{};
  }, true);
  std::vector<std::uint8_t> out;
  reply >> out;
  return out;
}

bool BluezDevice::wait_until(const std::function<bool()>& done, Clock::time_point deadline) {
  if (!cancel_) return client_.loop().run_until(done, deadline);
  for (;;) {
    const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(250));
    if (client_.loop().run_until(done, slice)) return true;
    if (cancel_()) throw ConversationCancelled();
    if (Clock::now() >= deadline || client_.loop().stopped()) return done();
  }
}

std::optional<GattValue> BluezDevice::next_value(Clock::time_point deadline) {
  wait_until([&] { return !values_.empty() || lost_; }, deadline);
  if (!values_.empty()) {
    GattValue v = std::move(values_.front());
    values_.pop_front();
    return v;
  }
  if (lost_) throw LinkLost(disconnect_reason_);
  return std::nullopt;
}

void BluezDevice::pause(Clock::duration d) {
  wait_until([&] { return lost_; }, Clock::now() + d);
}

// Disconnects and waits (10 s at most) until BlueZ says so: a "Connected: false" of this link
// arriving after the next Connect would mark the new link lost.
void BluezDevice::drop_link() {
  disconnect();
  wait_until([&] {
    const DbusProperties* p = client_.properties(path_, kDevice1);
    return !p || !get<bool>(*p, "Connected").value_or(false);
  }, Clock::now() + std::chrono::seconds(10));
}

void BluezDevice::disconnect() {
  if (path_.empty()) return;
  const bool was = connected_;
  connected_ = false;
  if (!was && lost_) return;
  if (disconnect_reason_.empty()) disconnect_reason_ = "disconnected by declouder";
  try {
    client_.call(path_, kDevice1, "Disconnect", {}, false, std::chrono::seconds(10));
  } catch (const BleError&) {
  }
}

}  // namespace declouder
