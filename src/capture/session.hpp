// Running a whole capture file through the reader and the BLE layer, and the
// replay of a capture as frames for the device drivers.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "capture/reader.hpp"
#include "capture/trace.hpp"
#include "core/frame.hpp"

namespace declouder::capture {

struct CaptureSummary {
  CaptureFormat format = CaptureFormat::btsnoop_h4;
  std::uint64_t records = 0;
  std::optional<ReadStop> stop;  // set when the file is truncated or corrupt
};

// Reads every record of `path` (throws CaptureError when it cannot be read at
// all), calls on_record for each (when set) and feeds it to a BleTrace with
// these handlers.
CaptureSummary trace_capture(const std::string& path, TraceHandlers handlers,
                             const std::function<void(const HciRecord&)>& on_record = {},
                             const HandleMap& assumed_uuids = {});

// Feeds a capture's advertisements and GATT values to FrameHandlers, in file
// order, as a live BlueZ source would: every advertising report becomes
// on_advertisement (address, name, RSSI, service and manufacturer data, time);
// every value the device sent (notification, indication, read response) on a
// handle whose characteristic UUID the capture's GATT discovery revealed
// becomes on_gatt_value (with the device's address and advertised name).
// Values the host wrote are not frames from the device and are not replayed.
// `assumed_uuids` names handles the capture's discovery does not (captures
// started after discovery): e.g. {0x004b: 2a37}.
// Throws CaptureError when nothing can be read; a truncated file replays what
// precedes the fault and the summary says where it stopped.
CaptureSummary replay_capture(const std::string& path, const FrameHandlers& handlers,
                              const HandleMap& assumed_uuids = {});

}  // namespace declouder::capture
