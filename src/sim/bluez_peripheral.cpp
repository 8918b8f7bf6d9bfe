#include "sim/bluez_peripheral.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace declouder {

namespace {
constexpr const char* kRoot = "/org/declouder/simulator";
constexpr const char* kService1 = "org.bluez.GattService1";
constexpr const char* kCharacteristic1 = "org.bluez.GattCharacteristic1";
constexpr const char* kAdvertisement1 = "org.bluez.LEAdvertisement1";

}  // namespace

BluezPeripheral::BluezPeripheral(sdbus::IConnection& connection, BusLoop& loop, std::unique_ptr<SimulatedDevice> device,
                                 std::string adapter)
    : connection_(connection), loop_(loop), device_(std::move(device)), adapter_name_(std::move(adapter)) {}

BluezPeripheral::~BluezPeripheral() { stop(); }

BluezPeripheral::Characteristic* BluezPeripheral::find(const Uuid& u) const {
  for (const auto& c : characteristics_)
    if (c->spec.uuid == u) return c.get();
  return nullptr;
}

PeripheralAdapter find_peripheral_adapter(sdbus::IConnection& connection, const std::string& adapter) {
  std::map<sdbus::ObjectPath, std::map<std::string, std::map<std::string, sdbus::Variant>>> objects;
  try {
    auto root = sdbus::createProxy(connection, "org.bluez", "/");
    auto call = root->createMethodCall("org.freedesktop.DBus.ObjectManager", "GetManagedObjects");
    auto reply = root->callMethod(call, 10'000'000);
    reply >> objects;
  } catch (const sdbus::Error& e) {
    throw std::runtime_error("cannot reach bluetoothd (org.bluez): " + e.getName() + " " + e.getMessage());
  }
  for (const auto& [path, ifaces] : objects) {
    auto it = ifaces.find("org.bluez.Adapter1");
    if (it == ifaces.end()) continue;
    const std::string name = path.substr(path.rfind('/') + 1);
    std::string address;
    if (auto a = it->second.find("Address"); a != it->second.end()) address = a->second.get<std::string>();
    if (adapter.empty() || adapter == name || adapter == address) {
      auto parsed = MacAddress::parse(address);
      if (!parsed) throw std::runtime_error("bluetoothd's adapter " + name + " has no address");
      return {path, *parsed};
    }
  }
  throw std::runtime_error(adapter.empty() ? "bluetoothd has no adapter to advertise on"
                                           : "bluetoothd has no adapter '" + adapter + "'");
}

void BluezPeripheral::start() {
  adapter_path_ = find_peripheral_adapter(connection_, adapter_name_).path;
  adapter_proxy_ = sdbus::createProxy(connection_, "org.bluez", adapter_path_);
  adapter_proxy_->callMethod("Set").onInterface("org.freedesktop.DBus.Properties")
      .withArguments(std::string("org.bluez.Adapter1"), std::string("Powered"), sdbus::Variant(true));

  // Who connects to us: bluetoothd's Device1 objects under our adapter. A central seen for
  // the first time arrives as a new object already connected (InterfacesAdded); one seen
  // before turns Connected (PropertiesChanged).
  central_watch_ = connection_.addMatch(
      "type='signal',sender='org.bluez',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
      "path_namespace='" + adapter_path_ + "'",
      [this](sdbus::Message& m) {
        std::string iface;
        std::map<std::string, sdbus::Variant> changed;
        m >> iface >> changed;
        if (iface != "org.bluez.Device1") return;
        if (auto c = changed.find("Connected"); c != changed.end()) central_connected(m.getPath(), c->second.get<bool>());
      });
  central_added_watch_ = connection_.addMatch(
      "type='signal',sender='org.bluez',interface='org.freedesktop.DBus.ObjectManager',member='InterfacesAdded'",
      [this](sdbus::Message& m) {
        sdbus::ObjectPath path;
        std::map<std::string, std::map<std::string, sdbus::Variant>> ifaces;
        m >> path >> ifaces;
        if (path.rfind(adapter_path_ + "/", 0) != 0) return;
        auto d = ifaces.find("org.bluez.Device1");
        if (d == ifaces.end()) return;
        if (auto c = d->second.find("Connected"); c != d->second.end() && c->second.get<bool>()) central_connected(path, true);
      });

  device_->attach(*this);
  advert_ = device_->advert();
  take_device_name();
  export_gatt();
  export_advertisement();

  int pending = 0;
  std::string failure;
  auto reply = [&](const char* what) {
    return [&, what](const sdbus::Error* e) {
      --pending;
      if (e) failure += std::string(what) + " failed: " + e->getName() + " " + e->getMessage() + "; ";
    };
  };
  const std::map<std::string, sdbus::Variant> no_options;
  if (!characteristics_.empty()) {
    ++pending;
    adapter_proxy_->callMethodAsync("RegisterApplication").onInterface("org.bluez.GattManager1")
        .withArguments(sdbus::ObjectPath(kRoot), no_options).uponReplyInvoke(reply("RegisterApplication"));
  }
  ++pending;
  adapter_proxy_->callMethodAsync("RegisterAdvertisement").onInterface("org.bluez.LEAdvertisingManager1")
      .withArguments(sdbus::ObjectPath(std::string(kRoot) + "/advertisement"), no_options)
      .uponReplyInvoke(reply("RegisterAdvertisement"));
  // bluetoothd calls back into our objects before it answers: keep the loop running.
  loop_.run_until([&] { return pending == 0; }, BusLoop::Clock::now() + std::chrono::seconds(15));
  if (pending) throw std::runtime_error("bluetoothd did not answer the registrations in 15 s");
  if (!failure.empty()) throw std::runtime_error(failure);
  registered_ = true;
  last_announced_ = std::chrono::steady_clock::now();
  keep_advertising();
}

// A central that connects reads the GAP Device Name (0x2A00), which bluetoothd serves from the
// adapter's Alias, and BlueZ then shows that as the device's Name: a real scale answers with
// the name it advertises ("YunChen"), so the adapter takes that name while it plays the device
// (families that trust only a named device would otherwise see the host's name), and gets
// its own back at the end.
void BluezPeripheral::take_device_name() {
  if (advert_.name.empty()) return;
  constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
  try {
    sdbus::Variant alias;
    adapter_proxy_->callMethod("Get").onInterface(kProperties)
        .withArguments(std::string("org.bluez.Adapter1"), std::string("Alias")).storeResultsTo(alias);
    const std::string before = alias.get<std::string>();
    if (before == advert_.name) return;
    adapter_proxy_->callMethod("Set").onInterface(kProperties)
        .withArguments(std::string("org.bluez.Adapter1"), std::string("Alias"), sdbus::Variant(advert_.name));
    previous_alias_ = before;
  } catch (const sdbus::Error& e) {
    std::fprintf(stderr, "declouder simulate: the adapter keeps its own name (%s): a central reading the GAP name sees that\n",
                 e.getMessage().c_str());
  }
}

void BluezPeripheral::stop() {
  if (previous_alias_) {
    try {
      adapter_proxy_->callMethod("Set").onInterface("org.freedesktop.DBus.Properties")
          .withArguments(std::string("org.bluez.Adapter1"), std::string("Alias"), sdbus::Variant(*previous_alias_));
    } catch (const sdbus::Error&) {
    }
    previous_alias_.reset();
  }
  if (!registered_) return;
  registered_ = false;
  try {
    adapter_proxy_->callMethod("UnregisterAdvertisement").onInterface("org.bluez.LEAdvertisingManager1")
        .withArguments(sdbus::ObjectPath(std::string(kRoot) + "/advertisement"));
  } catch (const sdbus::Error&) {
  }
}

void BluezPeripheral::export_gatt() {
  app_ = sdbus::createObject(connection_, kRoot);
  app_->addObjectManager();
  app_->finishRegistration();
  int si = 0;
  for (const auto& s : device_->gatt()) {
    const std::string spath = std::string(kRoot) + "/service" + std::to_string(si++);
    auto so = sdbus::createObject(connection_, spath);
    const std::string uuid = s.uuid.str();
    so->registerProperty("UUID").onInterface(kService1).withGetter([uuid] { return uuid; });
    so->registerProperty("Primary").onInterface(kService1).withGetter([] { return true; });
    so->finishRegistration();
    services_.push_back(std::move(so));
    int ci = 0;
    for (const auto& c : s.characteristics) {
      auto ch = std::make_unique<Characteristic>();
      Characteristic* chp = ch.get();
      ch->spec = c;
      ch->value = c.value;
      ch->path = spath + "/char" + std::to_string(ci++);
      auto& o = ch->object;
      o = sdbus::createObject(connection_, ch->path);
      o->registerProperty("UUID").onInterface(kCharacteristic1).withGetter([chp] { return chp->spec.uuid.str(); });
      o->registerProperty("Service").onInterface(kCharacteristic1).withGetter([spath] { return sdbus::ObjectPath(spath); });
      o->registerProperty("Flags").onInterface(kCharacteristic1).withGetter([chp] { return bluez_flags(chp->spec.properties); });
      o->registerProperty("Value").onInterface(kCharacteristic1).withGetter([chp] { return std::vector<std::uint8_t>(chp->value); });
      o->registerMethod("ReadValue").onInterface(kCharacteristic1).withInputParamNames("options").withOutputParamNames("value")
          .implementedAs([this, chp](const std::map<std::string, sdbus::Variant>& opts) {
            saw_central(opts);
            return std::vector<std::uint8_t>(chp->value);
          });
      o->registerMethod("WriteValue").onInterface(kCharacteristic1).withInputParamNames("value", "options")
          .implementedAs([this, chp](const std::vector<std::uint8_t>& value, const std::map<std::string, sdbus::Variant>& opts) {
            saw_central(opts);
            bool with_response = true;
            if (auto it = opts.find("type"); it != opts.end() && it->second.containsValueOfType<std::string>())
              with_response = it->second.get<std::string>() != "command";
            device_->on_write(chp->spec.uuid, Bytes(value.begin(), value.end()), with_response);
          });
      o->registerMethod("StartNotify").onInterface(kCharacteristic1).implementedAs([this, chp] {
        std::fprintf(stderr, "declouder simulate: StartNotify %s%s\n", chp->spec.uuid.short_str().c_str(),
                     chp->notifying ? " (already notifying)" : "");
        if (chp->notifying) return;
        chp->notifying = true;
        device_->on_subscribe(chp->spec.uuid);
      });
      o->registerMethod("StopNotify").onInterface(kCharacteristic1).implementedAs([chp] {
        std::fprintf(stderr, "declouder simulate: StopNotify %s\n", chp->spec.uuid.short_str().c_str());
        chp->notifying = false;
      });
      o->finishRegistration();
      characteristics_.push_back(std::move(ch));
    }
  }
}

void BluezPeripheral::export_advertisement() {
  auto& o = advertisement_;
  o = sdbus::createObject(connection_, std::string(kRoot) + "/advertisement");
  // Always "peripheral" (connectable), as the real devices are: BlueZ advertises a
  // "broadcast" one from a fresh random address at every update, which no scale does.
  o->registerProperty("Type").onInterface(kAdvertisement1).withGetter([] { return std::string("peripheral"); });
  o->registerProperty("LocalName").onInterface(kAdvertisement1).withGetter([this] { return advert_.name; });
  o->registerProperty("ServiceUUIDs").onInterface(kAdvertisement1).withGetter([this] {
    std::vector<std::string> out;
    for (const auto& u : advert_.service_uuids) out.push_back(u.short_str());
    return out;
  });
  o->registerProperty("ServiceData").onInterface(kAdvertisement1).withGetter([this] {
    std::map<std::string, sdbus::Variant> out;
    for (const auto& [u, d] : advert_.service_data) out[u.short_str()] = sdbus::Variant(std::vector<std::uint8_t>(d));
    return out;
  });
  o->registerProperty("ManufacturerData").onInterface(kAdvertisement1).withGetter([this] {
    std::map<std::uint16_t, sdbus::Variant> out;
    for (const auto& [id, d] : advert_.manufacturer_data) out[id] = sdbus::Variant(std::vector<std::uint8_t>(d));
    return out;
  });
  o->registerProperty("Discoverable").onInterface(kAdvertisement1).withGetter([] { return true; });
  o->registerMethod("Release").onInterface(kAdvertisement1).implementedAs([] {
    std::fprintf(stderr, "declouder simulate: bluetoothd released the advertisement\n");
  });
  o->finishRegistration();
}

// A phone that only subscribes (an ICOMON scale's) never names itself in a read or write, so
// the connection itself starts and ends the device's session; otherwise the next phone would
// find the characteristics still "notifying" and the device mid-weighing.
void BluezPeripheral::central_connected(const std::string& path, bool connected) {
  std::fprintf(stderr, "declouder simulate: %s %s\n", path.c_str(), connected ? "connected" : "disconnected");
  if (connected) {
    if (path == central_path_) return;
    central_path_ = path;
    device_->on_connect();
    return;
  }
  if (path != central_path_ && !central_path_.empty()) return;  // not the one we serve
  central_path_.clear();
  for (auto& ch : characteristics_) ch->notifying = false;
  device_->on_disconnect();
}

void BluezPeripheral::saw_central(const std::map<std::string, sdbus::Variant>& options) {
  auto it = options.find("device");
  if (it == options.end() || !it->second.containsValueOfType<sdbus::ObjectPath>()) return;
  const std::string path = it->second.get<sdbus::ObjectPath>();
  if (path == central_path_) return;
  central_path_ = path;
  device_->on_connect();
}

void BluezPeripheral::advert_changed() {
  AdvertData now = device_->advert();
  const bool same = now.name == advert_.name && now.service_data == advert_.service_data &&
                    now.manufacturer_data == advert_.manufacturer_data && now.service_uuids == advert_.service_uuids;
  if (same || !advertisement_) return;
  advert_ = std::move(now);
  advertisement_->emitPropertiesChangedSignal(kAdvertisement1, {"ServiceData", "ManufacturerData", "LocalName"});
  last_announced_ = std::chrono::steady_clock::now();
}

// A real device repeats its advertisement every few hundred milliseconds, and its controller
// does that by itself. BlueZ's emulated controllers (btvirt, the VM tier's radio) report an
// advertisement once: when it is enabled, or when a scanner starts (emulator/btdev.c,
// le_set_adv_enable_complete and le_set_scan_enable_complete), so a scanner that missed that
// one report never heard a device whose data does not change (the Mi scales', which change,
// were always heard). Telling bluetoothd its data again once a second makes it set the
// advertisement anew, and the emulator reports it again, as a radio would keep hearing it.
void BluezPeripheral::keep_advertising() {
  loop_.after(std::chrono::seconds(1), [this] {
    if (!registered_ || !advertisement_) return;
    if (std::chrono::steady_clock::now() - last_announced_ >= std::chrono::seconds(1)) {
      advertisement_->emitPropertiesChangedSignal(kAdvertisement1, {"LocalName"});
      last_announced_ = std::chrono::steady_clock::now();
    }
    keep_advertising();
  });
}

void BluezPeripheral::notify(const Uuid& c, const Bytes& value) {
  Characteristic* ch = find(c);
  if (!ch) return;
  ch->value = value;
  if (ch->notifying) ch->object->emitPropertiesChangedSignal(kCharacteristic1, {"Value"});
}

bool BluezPeripheral::subscribed(const Uuid& c) const {
  Characteristic* ch = find(c);
  return ch && ch->notifying;
}

void BluezPeripheral::after(std::chrono::milliseconds delay, std::function<void()> fn) { loop_.after(delay, std::move(fn)); }

void BluezPeripheral::disconnect(const std::string& reason) {
  if (central_path_.empty()) return;
  std::fprintf(stderr, "declouder simulate: hanging up on %s (%s)\n", central_path_.c_str(), reason.c_str());
  auto proxy = sdbus::createProxy(connection_, "org.bluez", central_path_);
  try {
    proxy->callMethod("Disconnect").onInterface("org.bluez.Device1").dontExpectReply();
  } catch (const sdbus::Error&) {
  }
}

std::int64_t BluezPeripheral::unix_now() const { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace declouder
