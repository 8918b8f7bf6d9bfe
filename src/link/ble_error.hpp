// Bluetooth failures a person can act on: each carries a one-line message that says what
// to do (start bluetoothd, join the 'bluetooth' group, plug in an adapter...).
#pragma once

#include <stdexcept>
#include <string>

namespace declouder {

enum class BleErrorKind {
  no_system_bus,      // cannot connect to the D-Bus system bus at all
  bluez_not_running,  // nobody owns org.bluez
  access_denied,      // the bus policy forbids us to talk to org.bluez
  no_adapter,         // bluetoothd runs but has no (matching) adapter
  busy,               // org.bluez.Error.InProgress and friends, after every retry
  not_found,          // a device or characteristic that is not there
  timeout,
  failed,             // anything else BlueZ refused
};

struct BleError : std::runtime_error {
  BleError(BleErrorKind k, const std::string& message, std::string dbus_error = {})
      : std::runtime_error(message), kind(k), dbus_name(std::move(dbus_error)) {}
  BleErrorKind kind;
  std::string dbus_name;  // the D-Bus error name, when one caused this
};

}  // namespace declouder
