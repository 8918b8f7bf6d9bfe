// The live source: BlueZ over D-Bus (radio/bluez_client.hpp). Scans one adapter
// (LE, duplicates on, with the scanner's watchdog and its resume after a
// bluetoothd restart) and hands every advertisement to the pipeline. When the
// gateway asks (gateway/conversations.hpp) it connects to a device and holds
// its conversation, one at a time, while discovery goes on. BlueZ
// errors a person can act on (no system bus, no adapter, access denied) end
// the source with that one-line message; the gateway then stops with exit
// status 1 so systemd restarts it.
#pragma once

#include <functional>
#include <string>

#include "gateway/source.hpp"

namespace declouder {

class BluezSource : public Source {
 public:
  explicit BluezSource(std::string adapter) : adapter_(std::move(adapter)) {}
  std::string describe() const override { return "Bluetooth LE via BlueZ on " + (adapter_.empty() ? std::string("the first adapter") : adapter_); }
  std::string label() const override { return "bluez"; }
  void run(const FrameHandlers& to, const StopFlag& stop) override;
  bool can_converse() const override { return true; }

 private:
  std::string adapter_;
};

// A capture file (btsnoop, PacketLogger, btmon text) replayed through the same
// pipeline (capture/session.hpp): its advertisements and the values the device
// sent, in file order, with the capture's own times. A truncated file replays
// up to the fault and says where it stopped.
class ReplaySource : public Source {
 public:
  ReplaySource(std::string path, std::function<void(const std::string&)> log)
      : path_(std::move(path)), log_(std::move(log)) {}
  std::string describe() const override { return "capture " + path_ + " (replayed)"; }
  std::string label() const override { return "replay:" + path_; }
  void run(const FrameHandlers& to, const StopFlag& stop) override;

 private:
  std::string path_;
  std::function<void(const std::string&)> log_;
};

}  // namespace declouder
