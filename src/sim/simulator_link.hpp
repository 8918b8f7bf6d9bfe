// A GattLink straight onto a SimulatedDevice, on a virtual clock: conversations and
// simulators meet without D-Bus, and time only passes when the runner waits, so a test of
// a 30-second weighing takes microseconds and never depends on the machine's speed.
//
// It also hosts the device's advertisements (adverts() records each one), so simulator
// timelines can be checked the same way.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>

#include "ble/ble_error.hpp"
#include "ble/gatt_link.hpp"
#include "sim/simulated_device.hpp"

namespace declouder {

class SimulatorLink : public GattLink, public SimHost {
 public:
  // `unix_start`: the device clock at virtual time 0.
  explicit SimulatorLink(std::unique_ptr<SimulatedDevice> device, std::int64_t unix_start = 1'710'705'573);

  SimulatedDevice& device() { return *device_; }

  // Virtual time.
  std::chrono::milliseconds now() const { return now_; }
  void advance(std::chrono::milliseconds d);  // runs every timer due meanwhile

  // Every advertisement the device sent, in order, with its virtual time.
  struct SentAdvert {
    std::chrono::milliseconds at;
    AdvertData data;
  };
  const std::vector<SentAdvert>& adverts() const { return adverts_; }
  // Every write the device received.
  struct Write {
    Uuid characteristic;
    Bytes value;
    WriteMode mode;
  };
  const std::vector<Write>& writes() const { return writes_; }
  int connects() const { return connects_; }

  // GattLink
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
  std::string device_name() const override { return device_->advert().name; }

  // SimHost
  void advert_changed() override;
  void notify(const Uuid& characteristic, const Bytes& value) override;
  bool subscribed(const Uuid& characteristic) const override { return subscribed_.count(characteristic) > 0; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void disconnect(const std::string& reason) override;
  std::int64_t unix_now() const override { return unix_start_ + now_.count() / 1000; }

 private:
  const SimCharacteristic* find(const Uuid& c) const;
  void check_connected() const;

  std::unique_ptr<SimulatedDevice> device_;
  std::int64_t unix_start_;
  std::chrono::milliseconds now_{0};
  std::multimap<std::chrono::milliseconds, std::function<void()>> timers_;
  std::vector<SentAdvert> adverts_;
  std::vector<Write> writes_;
  std::vector<SimService> gatt_;
  std::map<Uuid, Bytes> values_;
  std::set<Uuid> subscribed_;
  std::deque<GattValue> queue_;
  bool connected_ = false;
  bool lost_ = false;
  int connects_ = 0;
  int writes_count_ = 0;
  std::string disconnect_reason_;
};

}  // namespace declouder
