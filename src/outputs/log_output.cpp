#include "outputs/log_output.hpp"

#include <sstream>

#include "outputs/reading_json.hpp"

namespace declouder {

std::string LogOutput::line(const OutgoingMeasurement& o) {
  const Measurement& m = o.measurement;
  std::ostringstream s;
  s.precision(5);
  if (o.source.rfind("simulated", 0) == 0) s << "[SIMULATED] ";
  s << "measurement " << round_to(m.weight_kg, 2) << " kg";
  if (m.impedance_ohm) s << ", impedance " << *m.impedance_ohm << " ohm";
  s << " from " << m.model;
  if (m.address) s << " " << m.address->str();
  // Heard through a remote radio: say which (an ESPHome proxy, an MQTT advert gateway).
  if (o.source.rfind("esphome:", 0) == 0 || o.source.rfind("mqtt:", 0) == 0) s << " via " << o.source;
  s << (m.person.empty() ? std::string(", unassigned") : ", " + m.person);
  if (m.metrics.fat_percent) s << ", fat " << round_to(*m.metrics.fat_percent, 1) << " %";
  s << " (stored";
  if (m.id) s << " as #" << m.id;
  s << ", uid " << m.uid << ")";
  return s.str();
}

void LogOutput::deliver(const OutgoingMeasurement& m, Done done) {
  log_(line(m));
  done();
}

}  // namespace declouder
