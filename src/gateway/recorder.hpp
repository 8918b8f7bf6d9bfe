// A minimal view of a measurement store: a reading in, a stored measurement
// (or nothing) out, and the measurements stored after an id.
//
// The gateway's pipeline no longer uses it: it calls the store's Recorder
// directly (store/recorder.hpp), because it needs to know whether a frame made
// a new measurement or completed one (RecordResult). It remains only for
// StoreMeasurementRecorder (app/store_session.hpp) and its test, and can be
// removed together with them.
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
