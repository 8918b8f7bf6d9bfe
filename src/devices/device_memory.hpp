// What a device needs remembered between connections, for the app's side of its protocol: a
// few named values per device (the Trisa Body Analyze's pairing password, sent once when the
// scale is in pairing mode and asked for, as the answer to a challenge, on every connection
// after that).
//
// A conversation reads and writes it through ConversationContext::memory; `declouder read`
// and `declouder run` load it from the database before the conversation and store what
// changed after it, whether the conversation worked or not (store/device_memory_store.hpp).
// It is shared between the thread that builds a conversation and the one that runs it, so
// it locks.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/bytes.hpp"

namespace declouder {

class DeviceMemory {
 public:
  DeviceMemory() = default;
  explicit DeviceMemory(std::map<std::string, Bytes> values) : values_(std::move(values)) {}

  std::optional<Bytes> get(const std::string& key) const;
  // Keeps `value` under `key`; changed() names it until mark_saved().
  void put(const std::string& key, Bytes value);

  std::map<std::string, Bytes> values() const;
  // The values put since the memory was loaded (or last saved), to be stored.
  std::map<std::string, Bytes> changed() const;
  void mark_saved();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Bytes> values_;
  std::set<std::string> changed_;
};

}  // namespace declouder
