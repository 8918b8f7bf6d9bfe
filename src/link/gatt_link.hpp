// A connection to one GATT device, as the session runner sees it.
//
// BluezDevice (src/radio/bluez_client.hpp) implements it over BlueZ's D-Bus API;
// SimulatorLink (src/link/simulator_link.hpp) implements it straight on a SimulatedDevice,
// so conversations can be tested without any bus. Characteristics are named by UUID.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/uuid.hpp"

namespace declouder {

enum class WriteMode : std::uint8_t {
  with_response,     // ATT Write Request: the device acknowledges
  without_response,  // ATT Write Command
};

// The device went away (it hung up, walked out of range, or bluetoothd lost it).
// `reason` is the best description BlueZ gave ("remote user terminated connection", ...).
struct LinkLost : std::runtime_error {
  explicit LinkLost(const std::string& reason) : std::runtime_error("device disconnected: " + reason) {}
};

// The program is stopping (a service's SIGTERM): the wait was cut short. Unlike LinkLost it
// is never retried; the conversation ends at once.
struct ConversationCancelled : std::runtime_error {
  ConversationCancelled() : std::runtime_error("stopping: the conversation was cut short") {}
};

class GattLink {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~GattLink() = default;

  // Connects and waits until the device's services are known. Throws on failure.
  virtual void connect(Clock::duration timeout) = 0;
  virtual void disconnect() = 0;
  virtual bool connected() const = 0;

  // Enables notifications or indications (whichever the characteristic has).
  virtual void subscribe(const Uuid& characteristic) = 0;
  virtual void write(const Uuid& characteristic, ByteView value, WriteMode mode) = 0;
  virtual Bytes read(const Uuid& characteristic) = 0;
  virtual bool has_characteristic(const Uuid& characteristic) const = 0;

  // The next notification or indication from any subscribed characteristic, or nullopt when
  // `deadline` passes first. Throws LinkLost when the device disconnects meanwhile.
  virtual std::optional<GattValue> next_value(Clock::time_point deadline) = 0;

  // Lets time pass (pacing between writes) while still receiving.
  virtual void pause(Clock::duration d) = 0;

  // Why the last connection ended ("" while connected or never connected).
  virtual std::string disconnect_reason() const = 0;
  virtual std::string device_name() const = 0;
};

}  // namespace declouder
