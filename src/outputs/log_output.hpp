// The log line of each measurement, for people: "measurement 72.45 kg, impedance
// 503 ohm from xiaomi-mi-scale-2 5C:CA:D3:00:00:01, anne, fat 24.3 % (stored as #3,
// uid ...)", with "[SIMULATED] " in front of what a simulator produced. Delivered
// like every other output, so after a crash the measurements not yet logged are
// logged at the next start.
#pragma once

#include <functional>
#include <string>

#include "outputs/output.hpp"

namespace declouder {

class LogOutput : public Output {
 public:
  using Log = std::function<void(const std::string&)>;
  explicit LogOutput(Log log) : log_(std::move(log)) {}

  std::string name() const override { return "log"; }
  Audience audience() const override { return Audience::this_gateway; }
  void deliver(const OutgoingMeasurement& m, Done done) override;

  static std::string line(const OutgoingMeasurement& m);

 private:
  Log log_;
};

}  // namespace declouder
