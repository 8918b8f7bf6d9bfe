#include "devices/device_memory.hpp"

namespace declouder {

std::optional<Bytes> DeviceMemory::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

void DeviceMemory::put(const std::string& key, Bytes value) {
  std::lock_guard lock(mutex_);
  values_[key] = std::move(value);
  changed_.insert(key);
}

std::map<std::string, Bytes> DeviceMemory::values() const {
  std::lock_guard lock(mutex_);
  return values_;
}

std::map<std::string, Bytes> DeviceMemory::changed() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, Bytes> out;
  for (const std::string& key : changed_) out[key] = values_.at(key);
  return out;
}

void DeviceMemory::mark_saved() {
  std::lock_guard lock(mutex_);
  changed_.clear();
}

}  // namespace declouder
