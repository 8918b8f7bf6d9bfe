#include "gateway/bluez_source.hpp"

#include <chrono>

#include "capture/session.hpp"
#include "radio/bluez_client.hpp"

namespace declouder {

void BluezSource::run(const FrameHandlers& to, const StopFlag& stop) {
  BluezClient client;  // throws BleError with a message a person can act on
  ScanOptions options;
  options.adapter = adapter_;
  Scanner scanner(client, options, to);
  // Short slices, so a stop (or a conversation to hold) is noticed within a quarter of a
  // second even when nothing advertises.
  while (!stop.requested()) {
    scanner.run(Scanner::Clock::now() + std::chrono::milliseconds(250), [&] { return stop.requested(); });
    if (auto request = take_conversation_request()) {
      ConversationOutcome outcome;
      if (!client.device_path(scanner.adapter().path, *request->advert.address)) {
        // BlueZ forgot it meanwhile. (Connecting would look for it with a discovery of its
        // own, whose end would also end the scanner's.)
        outcome.device = request->advert.address->str();
        outcome.error = "BlueZ no longer knows the device (out of range?)";
      } else {
        // Discovery stays on: the other devices keep being heard while this one is talked to.
        BluezDevice device(client, scanner.adapter(), *request->advert.address);
        device.set_cancel([&] { return stop.requested(); });
        outcome = hold_conversation(device, *request, to);
      }
      if (request->done) request->done(outcome);
    }
  }
}

void ReplaySource::run(const FrameHandlers& to, const StopFlag& stop) {
  FrameHandlers guarded;  // a stop ends the replay at the next frame
  bool stopped = false;
  guarded.on_advertisement = [&](const Advertisement& a) {
    if (!(stopped = stopped || stop.requested()) && to.on_advertisement) to.on_advertisement(a);
  };
  guarded.on_gatt_value = [&](const GattValue& v) {
    if (!(stopped = stopped || stop.requested()) && to.on_gatt_value) to.on_gatt_value(v);
  };
  guarded.on_reading = [&](const Reading& r, const Bytes& raw, std::int64_t t) {
    if (!(stopped = stopped || stop.requested()) && to.on_reading) to.on_reading(r, raw, t);
  };
  const capture::CaptureSummary s = capture::replay_capture(path_, guarded);
  std::string line = "replayed " + std::to_string(s.records) + " records of " + path_;
  if (s.stop) line += "; the file stops early: " + s.stop->describe();
  if (log_) log_(line);
}

}  // namespace declouder
