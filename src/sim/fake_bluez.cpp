#include "sim/fake_bluez.hpp"

#include <cstdio>
#include <ctime>

namespace declouder {

namespace {
constexpr const char* kAdapter1 = "org.bluez.Adapter1";
constexpr const char* kDevice1 = "org.bluez.Device1";
constexpr const char* kService1 = "org.bluez.GattService1";
constexpr const char* kCharacteristic1 = "org.bluez.GattCharacteristic1";


char hex_digit(unsigned v) { return "0123456789abcdef"[v & 15]; }
std::string hex4(unsigned v) {
  return {hex_digit(v >> 12), hex_digit(v >> 8), hex_digit(v >> 4), hex_digit(v)};
}
}  // namespace

struct FakeBluez::Adapter {
  std::string name;
  std::string path;
  std::string address;
  bool powered = true;
  std::set<std::string> discovering_clients;
  bool silenced = false;
  BusLoop::TimerId silence_timer = 0;
  std::unique_ptr<sdbus::IObject> object;
  std::map<std::size_t, std::unique_ptr<DeviceView>> devices;  // by device index
  bool discovering() const { return !discovering_clients.empty(); }
  // The connection it is still creating after a Connect nobody waits for (unanswered_connects).
  const DeviceView* creating = nullptr;
};

struct FakeBluez::DeviceView {
  std::size_t index = 0;
  Adapter* adapter = nullptr;
  std::string path;
  std::int16_t rssi = -60;
  bool connected = false;
  bool resolved = false;
  std::unique_ptr<sdbus::IObject> object;
  struct Characteristic {
    SimCharacteristic spec;
    std::string path;
    std::string service_path;
    bool notifying = false;
    Bytes value;
    std::unique_ptr<sdbus::IObject> object;
  };
  std::vector<std::unique_ptr<sdbus::IObject>> services;
  std::vector<std::unique_ptr<Characteristic>> characteristics;
  Characteristic* find(const Uuid& u) {
    for (auto& c : characteristics)
      if (c->spec.uuid == u) return c.get();
    return nullptr;
  }
};

struct FakeBluez::Host : SimHost {
  FakeBluez& fake;
  std::size_t index;
  Host(FakeBluez& f, std::size_t i) : fake(f), index(i) {}
  void advert_changed() override { fake.advertise(index); }
  void notify(const Uuid& c, const Bytes& value) override {
    DeviceView* v = fake.connected_view(index);
    if (!v) return;
    auto* ch = v->find(c);
    if (!ch) return;
    ch->value = value;
    if (ch->notifying) ch->object->emitPropertiesChangedSignal(kCharacteristic1, {"Value"});
  }
  bool subscribed(const Uuid& c) const override {
    DeviceView* v = fake.connected_view(index);
    auto* ch = v ? v->find(c) : nullptr;
    return ch && ch->notifying;
  }
  void after(std::chrono::milliseconds d, std::function<void()> fn) override { fake.loop_.after(d, std::move(fn)); }
  void disconnect(const std::string& reason) override { fake.drop(index, reason, true); }
  std::int64_t unix_now() const override { return static_cast<std::int64_t>(std::time(nullptr)); }
};

FakeBluez::FakeBluez(sdbus::IConnection& connection, BusLoop& loop, std::vector<std::unique_ptr<SimulatedDevice>> devices,
                     FakeBluezOptions options)
    : connection_(connection), loop_(loop), devices_(std::move(devices)), options_(std::move(options)) {
  busy_left_ = options_.busy_discovery_starts;
  unresolved_left_ = options_.unresolved_connects;
  unanswered_left_ = options_.unanswered_subscriptions;
  unanswered_connects_left_ = options_.unanswered_connects;
  for (std::size_t i = 0; i < devices_.size(); ++i) hosts_.push_back(std::make_unique<Host>(*this, i));
}

FakeBluez::~FakeBluez() {
  adapters_.clear();
  if (up_) {
    try {
      connection_.releaseName("org.bluez");
    } catch (const sdbus::Error&) {
    }
  }
}

void FakeBluez::start() {
  connection_.addObjectManager("/", sdbus::floating_slot);
  restart_up();
  for (std::size_t i = 0; i < devices_.size(); ++i) devices_[i]->attach(*hosts_[i]);
  // Idle re-advertising.
  auto readvertise = std::make_shared<std::function<void()>>();
  *readvertise = [this, readvertise] {
    for (std::size_t i = 0; i < devices_.size(); ++i) advertise(i);
    loop_.after(options_.advert_interval, *readvertise);
  };
  loop_.after(options_.advert_interval, *readvertise);
  if (options_.restart_after.count() > 0) loop_.after(options_.restart_after, [this] { restart_down(); });
}

void FakeBluez::restart_up() {
  int index = 0;
  for (const auto& name : options_.adapters) create_adapter(name, index++);
  connection_.requestName("org.bluez");
  up_ = true;
}

void FakeBluez::restart_down() {
  std::fprintf(stderr, "declouder simulate: bluetoothd restarting (org.bluez leaves the bus for %lld ms)\n",
               static_cast<long long>(options_.restart_gap.count()));
  for (std::size_t i = 0; i < devices_.size(); ++i)
    if (connected_view(i)) devices_[i]->on_disconnect();
  adapters_.clear();  // every object goes, without InterfacesRemoved: the process died
  connection_.releaseName("org.bluez");
  up_ = false;
  loop_.after(options_.restart_gap, [this] {
    // A new bluetoothd takes the name first, then registers its adapters.
    connection_.requestName("org.bluez");
    up_ = true;
    loop_.after(std::chrono::milliseconds(100), [this] {
      int index = 0;
      for (const auto& name : options_.adapters) {
        create_adapter(name, index++);
        adapters_.back()->object->emitInterfacesAddedSignal();
      }
    });
  });
  // restart_up() is not used here: the name must be taken before the adapters appear.
}

void FakeBluez::create_adapter(const std::string& name, int index) {
  auto a = std::make_unique<Adapter>();
  a->name = name;
  a->path = "/org/bluez/" + name;
  char addr[18];
  std::snprintf(addr, sizeof addr, "00:AA:01:%02X:00:%02X", index, index);
  a->address = addr;
  Adapter* ad = a.get();
  auto& o = a->object;
  o = sdbus::createObject(connection_, a->path);
  o->registerProperty("Address").onInterface(kAdapter1).withGetter([ad] { return ad->address; });
  o->registerProperty("AddressType").onInterface(kAdapter1).withGetter([] { return std::string("public"); });
  o->registerProperty("Name").onInterface(kAdapter1).withGetter([] { return std::string("declouder-sim"); });
  o->registerProperty("Alias").onInterface(kAdapter1).withGetter([ad] { return "declouder-sim " + ad->name; });
  o->registerProperty("Powered").onInterface(kAdapter1).withGetter([ad] { return ad->powered; }).withSetter([ad](const bool& v) {
    ad->powered = v;
    ad->object->emitPropertiesChangedSignal(kAdapter1, {"Powered"});
  });
  o->registerProperty("Discovering").onInterface(kAdapter1).withGetter([ad] { return ad->discovering(); });
  o->registerProperty("UUIDs").onInterface(kAdapter1).withGetter([] { return std::vector<std::string>{}; });
  o->registerMethod("SetDiscoveryFilter").onInterface(kAdapter1).withInputParamNames("properties")
      .implementedAs([](const std::map<std::string, sdbus::Variant>&) {});
  o->registerMethod("GetDiscoveryFilters").onInterface(kAdapter1).implementedAs([] {
    return std::vector<std::string>{"UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable", "Pattern"};
  });
  o->registerMethod("StartDiscovery").onInterface(kAdapter1).implementedAs([this, ad] {
    ++discovery_starts_;
    if (busy_left_ > 0) {
      --busy_left_;
      throw sdbus::Error("org.bluez.Error.InProgress", "Operation already in progress");
    }
    if (!ad->powered) throw sdbus::Error("org.bluez.Error.NotReady", "Resource Not Ready");
    const std::string client = ad->object->getCurrentlyProcessedMessage()->getSender();
    if (ad->discovering_clients.count(client)) throw sdbus::Error("org.bluez.Error.InProgress", "Operation already in progress");
    const bool was = ad->discovering();
    ad->discovering_clients.insert(client);
    ad->silenced = false;
    if (!was) ad->object->emitPropertiesChangedSignal(kAdapter1, {"Discovering"});
    if (options_.silent_after.count() > 0) {
      if (ad->silence_timer) loop_.cancel(ad->silence_timer);
      ad->silence_timer = loop_.after(options_.silent_after, [ad] {
        ad->silence_timer = 0;
        std::fprintf(stderr, "declouder simulate: %s's scanner goes silent until discovery restarts\n", ad->name.c_str());
        ad->silenced = true;
      });
    }
    // Everything in range is seen right away.
    for (std::size_t i = 0; i < devices_.size(); ++i) advertise(i);
  });
  o->registerMethod("StopDiscovery").onInterface(kAdapter1).implementedAs([ad] {
    const std::string client = ad->object->getCurrentlyProcessedMessage()->getSender();
    if (!ad->discovering_clients.erase(client)) throw sdbus::Error("org.bluez.Error.Failed", "No discovery started");
    if (!ad->discovering()) ad->object->emitPropertiesChangedSignal(kAdapter1, {"Discovering"});
  });
  o->registerMethod("RemoveDevice").onInterface(kAdapter1).withInputParamNames("device")
      .implementedAs([this, ad](const sdbus::ObjectPath& path) {
        for (auto it = ad->devices.begin(); it != ad->devices.end(); ++it)
          if (it->second->path == path) {
            if (it->second->connected) drop(it->first, "device removed", false);
            it->second->object->emitInterfacesRemovedSignal();
            ad->devices.erase(it);
            return;
          }
        throw sdbus::Error("org.bluez.Error.DoesNotExist", "Does Not Exist");
      });
  o->finishRegistration();
  adapters_.push_back(std::move(a));
}

FakeBluez::DeviceView* FakeBluez::connected_view(std::size_t index) {
  for (auto& a : adapters_) {
    auto it = a->devices.find(index);
    if (it != a->devices.end() && it->second->connected) return it->second.get();
  }
  return nullptr;
}

void FakeBluez::advertise(std::size_t index) {
  if (!up_) return;
  SimulatedDevice& dev = *devices_[index];
  for (auto& a : adapters_) {
    if (!a->discovering() || a->silenced || !a->powered) continue;
    auto it = a->devices.find(index);
    if (it != a->devices.end()) {
      DeviceView& v = *it->second;
      if (v.connected) continue;  // a connected peripheral stops advertising
      // A little RSSI movement, as a real radio shows.
      v.rssi = static_cast<std::int16_t>(-58 - static_cast<int>((v.rssi * 7 + 3) & 7));
      std::vector<std::string> changed{"RSSI"};
      AdvertData ad = dev.advert();
      if (!ad.service_data.empty()) changed.push_back("ServiceData");
      if (!ad.manufacturer_data.empty()) changed.push_back("ManufacturerData");
      v.object->emitPropertiesChangedSignal(kDevice1, changed);
      continue;
    }
    auto view = std::make_unique<DeviceView>();
    DeviceView* v = view.get();
    v->index = index;
    v->adapter = a.get();
    v->path = a->path + "/dev_" + dev.address().dbus_path_part();
    auto& o = v->object;
    o = sdbus::createObject(connection_, v->path);
    SimulatedDevice* d = &dev;
    o->registerProperty("Address").onInterface(kDevice1).withGetter([d] { return d->address().str(); });
    o->registerProperty("AddressType").onInterface(kDevice1).withGetter([] { return std::string("public"); });
    o->registerProperty("Name").onInterface(kDevice1).withGetter([d] { return d->advert().name; });
    o->registerProperty("Alias").onInterface(kDevice1).withGetter([d] {
      auto n = d->advert().name;
      return n.empty() ? d->address().str() : n;
    });
    o->registerProperty("Adapter").onInterface(kDevice1).withGetter([v] { return sdbus::ObjectPath(v->adapter->path); });
    o->registerProperty("Paired").onInterface(kDevice1).withGetter([] { return false; });
    o->registerProperty("Trusted").onInterface(kDevice1).withGetter([] { return false; });
    o->registerProperty("Blocked").onInterface(kDevice1).withGetter([] { return false; });
    o->registerProperty("LegacyPairing").onInterface(kDevice1).withGetter([] { return false; });
    o->registerProperty("RSSI").onInterface(kDevice1).withGetter([v] { return v->rssi; });
    o->registerProperty("Connected").onInterface(kDevice1).withGetter([v] { return v->connected; });
    o->registerProperty("ServicesResolved").onInterface(kDevice1).withGetter([v] { return v->resolved; });
    o->registerProperty("UUIDs").onInterface(kDevice1).withGetter([d] {
      std::vector<std::string> out;
      for (const auto& u : d->advert().service_uuids) out.push_back(u.str());
      return out;
    });
    o->registerProperty("ServiceData").onInterface(kDevice1).withGetter([d] {
      std::map<std::string, sdbus::Variant> out;
      for (const auto& [u, data] : d->advert().service_data) out[u.str()] = sdbus::Variant(std::vector<std::uint8_t>(data));
      return out;
    });
    o->registerProperty("ManufacturerData").onInterface(kDevice1).withGetter([d] {
      std::map<std::uint16_t, sdbus::Variant> out;
      for (const auto& [id, data] : d->advert().manufacturer_data) out[id] = sdbus::Variant(std::vector<std::uint8_t>(data));
      return out;
    });
    o->registerMethod("Connect").onInterface(kDevice1).implementedAs([this, v] { connect(*v); });
    o->registerMethod("Disconnect").onInterface(kDevice1).implementedAs([this, v] {
      if (v->adapter->creating == v) v->adapter->creating = nullptr;  // the attempt is cancelled
      if (v->connected) drop(v->index, "disconnected by the local host", false);
    });
    o->registerMethod("Pair").onInterface(kDevice1).implementedAs([] {
      throw sdbus::Error("org.bluez.Error.NotSupported", "Pairing is not simulated");
    });
    o->registerSignal("Disconnected").onInterface(kDevice1).withParameters<std::string, std::string>("reason", "message");
    o->finishRegistration();
    o->emitInterfacesAddedSignal();
    a->devices[index] = std::move(view);
  }
}

void FakeBluez::connect(DeviceView& v) {
  SimulatedDevice& dev = *devices_[v.index];
  if (v.connected) return;
  if (v.adapter->creating)
    throw sdbus::Error("org.bluez.Error.Failed", "le-connection-abort-by-local (the controller is creating another connection)");
  if (unanswered_connects_left_ > 0) {
    --unanswered_connects_left_;
    v.adapter->creating = &v;
    throw sdbus::Error("org.freedesktop.DBus.Error.NoReply", "Did not receive a reply (the connection was never made)");
  }
  auto services = dev.gatt();
  if (services.empty()) throw sdbus::Error("org.bluez.Error.Failed", "le-connection-abort-by-local");
  if (connected_view(v.index)) throw sdbus::Error("org.bluez.Error.Failed", "le-connection-abort-by-local");
  v.connected = true;
  v.object->emitPropertiesChangedSignal(kDevice1, {"Connected"});
  int handle = 0x0010;
  std::vector<sdbus::IObject*> announce_late;  // options_.gatt_objects_after_resolved
  for (const auto& s : services) {
    const std::string spath = v.path + "/service" + hex4(static_cast<unsigned>(handle));
    auto so = sdbus::createObject(connection_, spath);
    const std::string suuid = s.uuid.str();
    const std::string dpath = v.path;
    so->registerProperty("UUID").onInterface(kService1).withGetter([suuid] { return suuid; });
    so->registerProperty("Primary").onInterface(kService1).withGetter([] { return true; });
    so->registerProperty("Device").onInterface(kService1).withGetter([dpath] { return sdbus::ObjectPath(dpath); });
    so->finishRegistration();
    so->emitInterfacesAddedSignal();
    v.services.push_back(std::move(so));
    ++handle;
    for (const auto& c : s.characteristics) {
      auto ch = std::make_unique<DeviceView::Characteristic>();
      auto* chp = ch.get();
      ch->spec = c;
      ch->value = c.value;
      ch->service_path = spath;
      ch->path = spath + "/char" + hex4(static_cast<unsigned>(handle));
      handle += 2;
      auto& o = ch->object;
      o = sdbus::createObject(connection_, ch->path);
      o->registerProperty("UUID").onInterface(kCharacteristic1).withGetter([chp] { return chp->spec.uuid.str(); });
      o->registerProperty("Service").onInterface(kCharacteristic1).withGetter([chp] { return sdbus::ObjectPath(chp->service_path); });
      o->registerProperty("Value").onInterface(kCharacteristic1).withGetter([chp] { return std::vector<std::uint8_t>(chp->value); });
      o->registerProperty("Notifying").onInterface(kCharacteristic1).withGetter([chp] { return chp->notifying; });
      o->registerProperty("Flags").onInterface(kCharacteristic1).withGetter([chp] { return bluez_flags(chp->spec.properties); });
      std::size_t index = v.index;
      o->registerMethod("ReadValue").onInterface(kCharacteristic1).withInputParamNames("options").withOutputParamNames("value")
          .implementedAs([chp](const std::map<std::string, sdbus::Variant>&) {
            if (!(chp->spec.properties & kRead)) throw sdbus::Error("org.bluez.Error.NotPermitted", "Read not permitted");
            return std::vector<std::uint8_t>(chp->value);
          });
      o->registerMethod("WriteValue").onInterface(kCharacteristic1).withInputParamNames("value", "options")
          .implementedAs([this, chp, index](const std::vector<std::uint8_t>& value, const std::map<std::string, sdbus::Variant>& opts) {
            bool with_response = true;
            if (auto it = opts.find("type"); it != opts.end() && it->second.containsValueOfType<std::string>())
              with_response = it->second.get<std::string>() != "command";
            const unsigned needed = with_response ? kWrite : kWriteWithoutResponse;
            if (!(chp->spec.properties & needed))
              throw sdbus::Error("org.bluez.Error.NotPermitted",
                                 with_response ? "Write not permitted" : "Write without response not permitted");
            SimulatedDevice& d = *devices_[index];
            auto* view = connected_view(index);
            if (!view) throw sdbus::Error("org.bluez.Error.NotConnected", "Not Connected");
            if (d.options().drop_after_writes > 0) {
              int& writes = write_counts_[index];
              if (++writes == d.options().drop_after_writes) {
                // The radio link breaks right after this write reached the device... and it
                // never answers it.
                loop_.after(std::chrono::milliseconds(10), [this, index] { drop(index, "connection timeout", true); });
                return;
              }
            }
            d.on_write(chp->spec.uuid, Bytes(value.begin(), value.end()), with_response);
          });
      o->registerMethod("StartNotify").onInterface(kCharacteristic1).implementedAs([this, chp, index] {
        if (!(chp->spec.properties & (kNotify | kIndicate))) throw sdbus::Error("org.bluez.Error.NotSupported", "Operation is not supported");
        if (unanswered_left_ > 0) {
          --unanswered_left_;
          throw sdbus::Error("org.freedesktop.DBus.Error.NoReply", "Did not receive a reply (the CCC write was never answered)");
        }
        if (chp->notifying) return;
        chp->notifying = true;
        chp->object->emitPropertiesChangedSignal(kCharacteristic1, {"Notifying"});
        devices_[index]->on_subscribe(chp->spec.uuid);
      });
      o->registerMethod("StopNotify").onInterface(kCharacteristic1).implementedAs([chp] {
        chp->notifying = false;
        chp->object->emitPropertiesChangedSignal(kCharacteristic1, {"Notifying"});
      });
      o->finishRegistration();
      if (options_.gatt_objects_after_resolved)
        announce_late.push_back(o.get());
      else
        o->emitInterfacesAddedSignal();
      v.characteristics.push_back(std::move(ch));
    }
  }
  dev.on_connect();
  if (unresolved_left_ > 0) {
    --unresolved_left_;
    return;
  }
  // Service discovery takes a moment on a real link.
  DeviceView* vp = &v;
  loop_.after(std::chrono::milliseconds(30), [vp, announce_late] {
    if (!vp->connected) return;
    vp->resolved = true;
    vp->object->emitPropertiesChangedSignal(kDevice1, {"ServicesResolved"});
    for (sdbus::IObject* o : announce_late) o->emitInterfacesAddedSignal();
  });
}

void FakeBluez::remove_gatt(DeviceView& v) {
  for (auto& c : v.characteristics) c->object->emitInterfacesRemovedSignal();
  for (auto& s : v.services) s->emitInterfacesRemovedSignal();
  v.characteristics.clear();
  v.services.clear();
}

void FakeBluez::drop(std::size_t index, const std::string& reason, bool remote) {
  DeviceView* v = connected_view(index);
  if (!v) return;
  v->connected = false;
  v->resolved = false;
  v->object->emitSignal("Disconnected")
      .onInterface(kDevice1)
      .withArguments(std::string(remote ? (reason == "connection timeout" ? "org.bluez.Reason.Timeout" : "org.bluez.Reason.Remote")
                                        : "org.bluez.Reason.Local"),
                     reason);
  v->object->emitPropertiesChangedSignal(kDevice1, {"ServicesResolved", "Connected"});
  remove_gatt(*v);
  devices_[index]->on_disconnect();
}

}  // namespace declouder
