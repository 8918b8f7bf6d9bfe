// The pipeline: frames -> drivers (devices/registry.hpp) -> store
// (store/recorder.hpp) -> outputs. A measurement reaches the outputs only
// after the Recorder stored it: nothing is published that is not kept.
//
// A weighing is handed on once, complete. A Mi scale stores its stabilized
// weight first and the impedance a few seconds later (the Recorder then
// updates the same measurement, same uid), so the pipeline holds each new
// measurement until it is complete:
//   - it has its impedance (nothing more can come), or
//   - the person stepped off (a load-removed frame from that scale), or
//   - `settle` passed since its last update (the scale went quiet), or
//   - the gateway stops.
// Held measurements are already in SQLite; after a crash the outbox's cursor
// (gateway/outbox.hpp) picks them up from the store.
//
// What the pipeline tells: PipelineListener. The gateway's listeners are its
// delivery (gateway/delivery.hpp: measurements and batteries to the outputs)
// and its coordination (gateway/coordination.hpp: the adverts heard, for device
// ownership).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "devices/registry.hpp"
#include "store/recorder.hpp"

namespace declouder {

struct PipelineCounts {
  long frames = 0;        // advertisements and characteristic values seen
  long decoded = 0;       // readings the drivers produced
  long rejected = 0;      // frames a driver claimed but rejected (with a reason, in the debug log)
  long measurements = 0;  // weighings handed to the outputs
};

// The bytes a family decoded in an advertisement (its service data or
// manufacturer data), kept with the reading so it can be decoded again later.
Bytes raw_bytes_for(const DeviceDescriptor& family, const Advertisement& adv);

// Every method runs on the gateway's event-loop thread (gateway/event_loop.hpp).
class PipelineListener {
 public:
  virtual ~PipelineListener() = default;
  // Every advertisement a driver decoded, and (from the gateway) every one from a
  // device the gateway talks to: ownership needs the signal strength.
  virtual void heard(const Advertisement& /*adv*/, std::string_view /*device*/) {}
  // A measurement the store has just stored, complete, handed on once.
  virtual void measurement(const Measurement& /*m*/, std::string_view /*source*/) {}
  // A device reported its battery level (0-100 %), e.g. a standard scale's Battery
  // Level 0x2A19; `device` is its address. Devices that report none never come here.
  virtual void battery(std::string_view /*device*/, int /*percent*/, std::string_view /*model*/) {}
};

class Pipeline {
 public:
  using Log = std::function<void(const std::string&)>;
  Pipeline(Recorder& recorder, std::vector<PipelineListener*> listeners, std::int64_t settle_us = 15'000'000,
           Log debug = {})
      : recorder_(recorder), listeners_(std::move(listeners)), settle_us_(settle_us), debug_(std::move(debug)) {}

  // The devices frames are decoded with (default: the built-in ones).
  void use_devices(const DeviceRegistry& devices) { devices_ = &devices; }
  const DeviceRegistry& devices() const { return *devices_; }
  // The keys of devices that encrypt their adverts (the config's [[device]] bindkey): an
  // advert from one of these addresses is decoded with its key.
  void use_keys(DeviceKeys keys) { keys_ = std::move(keys); }

  // Returns how many drivers decoded it (0: nothing in it for us, or a device that must be asked).
  int advertisement(const Advertisement& adv, const std::string& source);
  void gatt_value(const GattValue& value, const std::string& source);
  void reading(const Reading& r, ByteView raw, std::int64_t time_us, const std::string& source,
               std::string_view device_name = {});

  // Held weighings: when the next one is due, and handing them on.
  std::int64_t next_deadline_us() const;
  void tick(std::int64_t now_us);
  void flush();  // hands on everything held (at stop)
  // The smallest store id still held (the outbox's cursor must not pass it).
  std::optional<std::int64_t> oldest_held_id() const;

  const PipelineCounts& counts() const { return counts_; }

 private:
  struct Held {
    Measurement m;
    std::string source;
    std::int64_t due_us = 0;
  };
  void hand_on(const Measurement& m, const std::string& source);

  Recorder& recorder_;
  const DeviceRegistry* devices_ = &builtin_registry();
  DeviceKeys keys_;
  std::vector<PipelineListener*> listeners_;
  std::int64_t settle_us_;
  Log debug_;
  std::map<std::string, Held> held_;  // by uid
  PipelineCounts counts_;
};

}  // namespace declouder
