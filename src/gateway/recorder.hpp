// What the gateway needs from the store: turn a decoded reading into a stored
// measurement (or nothing, for repeats and frames that are not final yet), and
// list stored measurements after a row id (so outputs can catch up after a
// crash between storing and queueing).
//
// The store's Recorder implements this; InterimRecorder stands in for it in
// builds that do not have it yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/measurement.hpp"
#include "core/reading.hpp"

namespace declouder {

class MeasurementRecorder {
 public:
  virtual ~MeasurementRecorder() = default;
  // Stores the reading; returns the new measurement (with id and uid), or
  // nothing when the reading is a repeat or not a final value.
  virtual std::optional<Measurement> record(const Reading& reading, ByteView raw, std::int64_t time_us,
                                            std::string_view source) = 0;
  // Stored measurements with id > `id`, oldest first, at most `limit`.
  virtual std::vector<Measurement> measurements_after(std::int64_t id, int limit) = 0;
};

}  // namespace declouder
