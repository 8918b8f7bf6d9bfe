// The pipeline: frames -> drivers (devices/registry.hpp) -> store -> outputs.
// A measurement reaches the outputs only after the store returned it, i.e.
// after it is in SQLite: nothing is published that is not kept.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "devices/family.hpp"
#include "gateway/output.hpp"
#include "gateway/recorder.hpp"

namespace declouder {

struct PipelineCounts {
  long frames = 0;        // advertisements and characteristic values seen
  long decoded = 0;       // readings the drivers produced
  long rejected = 0;      // frames a driver claimed but rejected (with a reason, in the debug log)
  long measurements = 0;  // readings the store turned into new measurements
};

// The bytes a family decoded in an advertisement (its service data or
// manufacturer data), kept with the reading so it can be decoded again later.
Bytes raw_bytes_for(const DeviceFamily& family, const Advertisement& adv);

class Pipeline {
 public:
  using Log = std::function<void(const std::string&)>;
  Pipeline(MeasurementRecorder& recorder, std::vector<GatewayOutput*> outputs, Log debug = {})
      : recorder_(recorder), outputs_(std::move(outputs)), debug_(std::move(debug)) {}

  void advertisement(const Advertisement& adv, const std::string& source);
  void gatt_value(const GattValue& value, const std::string& source);
  void reading(const Reading& r, ByteView raw, std::int64_t time_us, const std::string& source);

  const PipelineCounts& counts() const { return counts_; }

 private:
  MeasurementRecorder& recorder_;
  std::vector<GatewayOutput*> outputs_;
  Log debug_;
  PipelineCounts counts_;
};

}  // namespace declouder
