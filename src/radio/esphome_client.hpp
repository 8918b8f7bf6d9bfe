// declouder as a client of an ESPHome Bluetooth proxy (the native API, radio/esphome_api.hpp):
// one ProxyClient per node holds the TCP connection (hello, device info, the advertisement
// subscription, the free connection slots, pings both ways) with a reader thread; a
// ProxyGattLink is a GattLink through it, so a conversation (link/session.hpp) runs through
// the proxy nearest the scale exactly as it runs over BlueZ.
//
// What a node does, from ESPHome's esphome/components/bluetooth_proxy (bluetooth_proxy.cpp,
// bluetooth_connection.cpp) and aioesphomeapi's client.py: it connects when asked
// (BluetoothDeviceRequest CONNECT_V3_*), lists the services, reads, writes and turns
// notifications on (with remote caching the client also writes the CCCD itself); it has a
// few connection slots (3 by default) and reports them free or taken; and it serves ONE
// Bluetooth subscriber at a time: a node that Home Assistant's Bluetooth integration uses
// sends nothing to a second client.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "link/gatt_link.hpp"
#include "radio/esphome_api.hpp"

namespace declouder::esphome {

class ProxyClient {
 public:
  using Clock = std::chrono::steady_clock;
  struct Handlers {
    // On the reader thread, for every advertisement the node relays (raw or parsed).
    std::function<void(const Advertisement&)> on_advertisement;
  };
  ProxyClient(Endpoint endpoint, Handlers handlers);
  ~ProxyClient();
  ProxyClient(const ProxyClient&) = delete;
  ProxyClient& operator=(const ProxyClient&) = delete;

  // Connects, handshakes, says hello, asks for the device info and subscribes to the
  // advertisements (raw when the node offers them) and the free slots. Throws
  // ConnectionError with one line a person can act on.
  void open(Clock::duration timeout = std::chrono::seconds(10));
  // Waits up to `d` for the connection to end; true once it has (closed_reason() says why).
  bool wait_closed(Clock::duration d);
  bool alive() const { return alive_; }
  std::string closed_reason() const;
  void close();

  const Endpoint& endpoint() const { return endpoint_; }
  const DeviceInfo& info() const { return info_; }
  std::string node_name() const { return info_.name.empty() ? endpoint_.host : info_.name; }
  std::uint64_t adverts_received() const { return adverts_; }
  Clock::time_point last_advert() const;
  std::optional<std::uint32_t> free_slots() const;

  // For ProxyGattLink.
  struct Inbox {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<Message> messages;
    bool closed = false;  // the proxy connection itself ended
    std::string closed_reason;
  };
  void attach(std::uint64_t address, Inbox* inbox);
  void detach(std::uint64_t address);
  void send(std::uint16_t type, const Bytes& payload);
  std::uint32_t address_type(std::uint64_t address) const;

 private:
  void read_loop();
  void handle(const Message& m);
  void end(const std::string& why);

  Endpoint endpoint_;
  Handlers handlers_;
  std::unique_ptr<ApiSocket> socket_;
  DeviceInfo info_;
  std::thread reader_;
  std::atomic<bool> alive_{false};
  std::atomic<bool> closing_{false};
  std::atomic<std::uint64_t> adverts_{0};
  mutable std::mutex mutex_;  // the fields below
  std::condition_variable closed_cv_;
  std::string closed_reason_;
  std::map<std::uint64_t, Inbox*> inboxes_;
  std::map<std::uint64_t, std::uint32_t> address_types_;  // from the adverts: needed to connect
  std::optional<std::uint32_t> free_slots_;
  Clock::time_point last_advert_{};
};

// A GATT connection to one device through a proxy.
class ProxyGattLink : public GattLink {
 public:
  ProxyGattLink(ProxyClient& proxy, const MacAddress& address, std::string name = {});
  ~ProxyGattLink() override;

  void connect(Clock::duration timeout) override;
  void disconnect() override;
  bool connected() const override { return connected_; }
  void subscribe(const Uuid& characteristic) override;
  void write(const Uuid& characteristic, ByteView value, WriteMode mode) override;
  Bytes read(const Uuid& characteristic) override;
  bool has_characteristic(const Uuid& characteristic) const override { return find(characteristic) != nullptr; }
  std::optional<GattValue> next_value(Clock::time_point deadline) override;
  void pause(Clock::duration d) override;
  std::string disconnect_reason() const override { return disconnect_reason_; }
  std::string device_name() const override { return name_; }

  // How long one request (read, write, notify) may take before the link gives up.
  void set_request_timeout(Clock::duration d) { request_timeout_ = d; }

 private:
  const GattCharacteristic* find(const Uuid& c) const;
  // Waits for a message of one of `types` (for `handle`, when nonzero), keeping the
  // notifications that arrive meanwhile. nullopt at the deadline (or, with
  // `until_notification`, once a notification is kept); throws LinkLost when the link
  // drops, BleError on a GATT error for `handle`.
  std::optional<Message> await(std::initializer_list<std::uint16_t> types, std::uint32_t handle,
                               Clock::time_point deadline, bool until_notification = false);
  void check_connected() const;

  ProxyClient& proxy_;
  MacAddress address_;
  std::uint64_t address_u64_;
  std::string name_;
  ProxyClient::Inbox inbox_;
  std::vector<GattService> services_;
  std::deque<GattValue> notifications_;
  bool connected_ = false;
  bool attached_ = false;
  std::string disconnect_reason_;
  Clock::duration request_timeout_ = std::chrono::seconds(10);
};

// "remote user terminated connection" and friends: the HCI reason a node reports.
std::string disconnect_reason_text(std::int64_t code);

}  // namespace declouder::esphome
