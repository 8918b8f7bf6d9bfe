#include "link/simulator_link.hpp"

#include <ctime>

namespace declouder {

SimulatorLink::SimulatorLink(std::unique_ptr<SimulatedDevice> device, std::int64_t unix_start)
    : device_(std::move(device)), unix_start_(unix_start) {
  attach_device();
}

SimulatorLink::SimulatorLink(std::unique_ptr<SimulatedDevice> device, WallClock wall)
    : device_(std::move(device)), unix_start_(0), wall_(std::move(wall)) {
  attach_device();
}

void SimulatorLink::attach_device() {
  gatt_ = device_->gatt();
  for (const auto& s : gatt_)
    for (const auto& c : s.characteristics) values_[c.uuid] = c.value;
  device_->attach(*this);  // the device starts its timeline
}

std::int64_t SimulatorLink::unix_now() const {
  return wall_ ? static_cast<std::int64_t>(std::time(nullptr)) : unix_start_ + now_.count() / 1000;
}

bool SimulatorLink::move_to(std::chrono::milliseconds t) {
  if (!wall_) {
    now_ = std::max(now_, t);
    return true;
  }
  auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - wall_start_); };
  if (t > elapsed() && wall_->sleep && wall_->sleep(t - elapsed())) stopping_ = true;
  now_ = std::max(now_, elapsed());
  return !stopping_;
}

void SimulatorLink::run_timers(std::chrono::milliseconds end, const std::function<bool()>& until) {
  while (!until() && !stopping_) {
    if (timers_.empty() || timers_.begin()->first > end) {
      move_to(end);
      return;
    }
    auto it = timers_.begin();
    if (!move_to(it->first)) return;
    auto fn = std::move(it->second);
    timers_.erase(it);
    fn();
  }
}

void SimulatorLink::advance(std::chrono::milliseconds d) {
  run_timers(now_ + d, [] { return false; });
}

void SimulatorLink::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  timers_.emplace(now_ + delay, std::move(fn));
}

void SimulatorLink::advert_changed() {
  if (!wall_) {
    adverts_.push_back({now_, device_->advert()});
  } else if (wall_->on_advert) {
    wall_->on_advert(device_->advert());
  }
}

const SimCharacteristic* SimulatorLink::find(const Uuid& c) const {
  for (const auto& s : gatt_)
    for (const auto& ch : s.characteristics)
      if (ch.uuid == c) return &ch;
  return nullptr;
}

void SimulatorLink::check_connected() const {
  if (!connected_ || lost_) throw LinkLost(disconnect_reason_.empty() ? "not connected" : disconnect_reason_);
}

void SimulatorLink::connect(Clock::duration) {
  if (gatt_.empty()) throw BleError(BleErrorKind::failed, "the device is not connectable (it only advertises)");
  connected_ = true;
  lost_ = false;
  disconnect_reason_.clear();
  subscribed_.clear();
  queue_.clear();
  ++connects_;
  device_->on_connect();
}

void SimulatorLink::disconnect() {
  if (!connected_) return;
  connected_ = false;
  subscribed_.clear();
  disconnect_reason_ = "disconnected by declouder";
  device_->on_disconnect();
}

void SimulatorLink::disconnect(const std::string& reason) {
  if (!connected_) return;
  connected_ = false;
  lost_ = true;
  subscribed_.clear();
  disconnect_reason_ = reason;
  device_->on_disconnect();
}

void SimulatorLink::subscribe(const Uuid& c) {
  check_connected();
  const SimCharacteristic* ch = find(c);
  if (!ch) throw BleError(BleErrorKind::not_found, "no characteristic " + c.short_str());
  if (!(ch->properties & (kNotify | kIndicate))) throw BleError(BleErrorKind::failed, c.short_str() + " cannot notify");
  if (subscribed_.insert(c).second) device_->on_subscribe(c);
}

void SimulatorLink::write(const Uuid& c, ByteView value, WriteMode mode) {
  check_connected();
  const SimCharacteristic* ch = find(c);
  if (!ch) throw BleError(BleErrorKind::not_found, "no characteristic " + c.short_str());
  const unsigned needed = mode == WriteMode::with_response ? kWrite : kWriteWithoutResponse;
  if (!(ch->properties & needed)) throw BleError(BleErrorKind::failed, "write not permitted on " + c.short_str());
  Bytes v(value.begin(), value.end());
  writes_.push_back({c, v, mode});
  ++writes_count_;
  if (device_->options().drop_after_writes > 0 && writes_count_ == device_->options().drop_after_writes) {
    disconnect(std::string("connection timeout"));
    throw LinkLost(disconnect_reason_);
  }
  device_->on_write(c, v, mode == WriteMode::with_response);
}

Bytes SimulatorLink::read(const Uuid& c) {
  check_connected();
  const SimCharacteristic* ch = find(c);
  if (!ch || !(ch->properties & kRead)) throw BleError(BleErrorKind::failed, "read not permitted on " + c.short_str());
  return values_[c];
}

bool SimulatorLink::has_characteristic(const Uuid& c) const { return find(c) != nullptr; }

void SimulatorLink::notify(const Uuid& c, const Bytes& value) {
  values_[c] = value;
  if (!connected_ || !subscribed_.count(c)) return;
  GattValue v;
  v.characteristic = c;
  v.value = value;
  v.address = device_->address();
  v.device_name = device_->advert().name;
  v.time_us = unix_now() * 1'000'000;
  queue_.push_back(std::move(v));
}

std::optional<GattValue> SimulatorLink::next_value(Clock::time_point deadline) {
  // The deadline is turned into a budget on the device's clock; timers run until something arrives.
  auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  run_timers(now_ + std::max(budget, std::chrono::milliseconds(0)), [&] { return !queue_.empty() || lost_; });
  if (stopping_) throw ConversationCancelled();
  if (!queue_.empty()) {
    GattValue v = std::move(queue_.front());
    queue_.pop_front();
    return v;
  }
  if (lost_) throw LinkLost(disconnect_reason_);
  return std::nullopt;
}

void SimulatorLink::pause(Clock::duration d) {
  advance(std::chrono::duration_cast<std::chrono::milliseconds>(d));
  if (stopping_) throw ConversationCancelled();
  if (lost_) throw LinkLost(disconnect_reason_);
}

}  // namespace declouder
