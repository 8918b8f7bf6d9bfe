// A stand-in for the store's Recorder, used until src/store provides one:
// keeps only stabilized person weighings, one per weighing (waiting for the
// impedance frame when the scale sends one), and gives each the same
// deterministic uid on every gateway that hears it. It keeps nothing on disk:
// the outbox (gateway/outbox.hpp) is what survives a restart.
#pragma once

#include <map>
#include <set>
#include <string>

#include "gateway/recorder.hpp"

namespace declouder {

// "m-" and 16 hex digits of a hash of model, address, the scale's clock and the
// weight in grams: the same weighing heard by any gateway gets the same uid.
std::string weighing_uid(const Reading& r);

class InterimRecorder : public MeasurementRecorder {
 public:
  std::optional<Measurement> record(const Reading& reading, ByteView raw, std::int64_t time_us,
                                    std::string_view source) override;
  std::vector<Measurement> measurements_after(std::int64_t, int) override { return {}; }

 private:
  std::set<std::string> recorded_;  // uids already turned into measurements
  std::int64_t next_id_ = 1;
};

}  // namespace declouder
