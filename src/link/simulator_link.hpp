// A GattLink straight onto a SimulatedDevice: conversations and simulators meet without
// D-Bus. Two clocks:
//   - virtual (tests): time only passes when the runner waits, so a test of a 30-second
//     weighing takes microseconds and never depends on the machine's speed; adverts()
//     records every advertisement, so simulator timelines can be checked the same way;
//   - wall (the gateway's `run --simulate`): the device's timeline runs in real time,
//     waiting through the caller's sleep (which a stop cuts short), and every
//     advertisement goes to the caller's on_advert instead of being recorded.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "link/ble_error.hpp"
#include "link/gatt_link.hpp"
#include "link/simulated_device.hpp"

namespace declouder {

class SimulatorLink : public GattLink, public SimHost {
 public:
  // `unix_start`: the device clock at virtual time 0.
  explicit SimulatorLink(std::unique_ptr<SimulatedDevice> device, std::int64_t unix_start = 1'710'705'573);

  struct WallClock {
    // Waits `d`; true when the wait was cut short because everything is stopping (the
    // link then throws ConversationCancelled).
    std::function<bool(std::chrono::milliseconds d)> sleep;
    std::function<void(const AdvertData&)> on_advert;
  };
  SimulatorLink(std::unique_ptr<SimulatedDevice> device, WallClock wall);

  SimulatedDevice& device() { return *device_; }

  // The device's time since it started (virtual, or elapsed wall time).
  std::chrono::milliseconds now() const { return now_; }
  void advance(std::chrono::milliseconds d);  // runs every timer due meanwhile
  bool stopping() const { return stopping_; }  // a wall-clock sleep was cut short

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
  std::int64_t unix_now() const override;

 private:
  void attach_device();
  const SimCharacteristic* find(const Uuid& c) const;
  void check_connected() const;
  // Moves the device's time to `t` (sleeping on the wall clock), returning false when stopping.
  bool move_to(std::chrono::milliseconds t);
  // Runs the timers due by `end`, in order, until `until()` holds; then time is `end`
  // (or the moment `until()` became true).
  void run_timers(std::chrono::milliseconds end, const std::function<bool()>& until);

  std::unique_ptr<SimulatedDevice> device_;
  std::int64_t unix_start_;
  std::optional<WallClock> wall_;
  Clock::time_point wall_start_ = Clock::now();
  bool stopping_ = false;
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
