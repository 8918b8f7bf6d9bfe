// What the pipeline hands measurements to. Every method runs on the gateway's
// event-loop thread (gateway/event_loop.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/frame.hpp"
#include "core/measurement.hpp"

namespace declouder {

class GatewayOutput {
 public:
  virtual ~GatewayOutput() = default;
  virtual void start() {}
  // Every advertisement a driver decoded, and every one from a device the gateway talks to
  // (ownership needs the signal strength).
  virtual void heard(const Advertisement&, std::string_view /*device*/) {}
  // May this gateway connect to `device` now? False when another gateway answers for it.
  virtual bool may_converse(std::string_view /*device*/) const { return true; }
  // A measurement the store has just stored (never before).
  virtual void measurement(const Measurement& m, std::string_view source) = 0;
  // A device reported its battery level (0-100 %), e.g. a standard scale's Battery
  // Level 0x2A19; `device` is its address. Devices that report none never come here.
  virtual void battery(std::string_view /*device*/, int /*percent*/, std::string_view /*model*/) {}
  // When to call tick() next (Unix us, 0 = no need).
  virtual std::int64_t next_deadline_us() const { return 0; }
  virtual void tick(std::int64_t /*now_us*/) {}
  // Nothing in flight (what a stop waits for).
  virtual bool idle() const { return true; }
  // Nothing left to do at all (what a finite run, e.g. --replay, waits for).
  virtual bool settled() const { return true; }
  virtual void begin_stop() {}
  virtual void finish_stop() {}
};

}  // namespace declouder
