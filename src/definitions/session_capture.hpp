// A capture of a simulated device: what a phone's HCI log (Android btsnoop, Apple
// PacketLogger) would hold while an app weighs someone on the device. The device's
// advertisements as LE advertising reports; then, for a device with a conversation, a
// connection, the GATT discovery of its table (services, characteristic declarations,
// CCCDs), and the conversation itself as ATT PDUs (CCCD writes, requests, notifications or
// indications, acknowledgements), and the disconnection. The packet layouts are
// src/capture/packets.hpp's (the Bluetooth Core specification's), so the capture reads as a
// real one does (`capture att`, tshark, `capture learn`).
//
// It is how `declouder simulate DEVICE --capture FILE` makes captures to learn from, and how
// the tests make captures of devices no built-in driver knows.
#pragma once

#include <cstdint>

#include "capture/writer.hpp"
#include "devices/descriptor.hpp"

namespace declouder::definitions {

struct SessionCaptureOptions {
  std::int64_t unix_start = 1'710'705'573;  // the phone's and the device's clock at the start
  int advert_ms = 2500;                     // how long the device advertises before (or instead of) a conversation
};

// Plays `device`'s simulator (it must have one) with `sim`, and writes the capture. The
// conversation is the device's own (what its vendor app would say), when it has one.
// Throws SessionError when the conversation fails.
void record_session(const DeviceDescriptor& device, const SimOptions& sim, const SessionCaptureOptions& options,
                    capture::CaptureWriter& out);

}  // namespace declouder::definitions
