#include "outputs/domoticz_output.hpp"

namespace declouder {

void DomoticzOutput::start(const OutputHistory&, std::function<void()> wake) {
  presence_.wake = std::move(wake);
  connection_.add_listener(&presence_);
}

void DomoticzOutput::deliver(const OutgoingMeasurement& m, Done done) {
  if (!m.reassigned_from) {
    publish_all(connection_, domoticz_messages(settings_, m.measurement, m.unit), 2, std::move(done));
    return;
  }
  // Assigned again after its delivery: its new person's sensors get it; the sensors
  // of anybody had it already, and would count a repeat as one more weighing.
  DomoticzSettings personal = settings_;
  std::erase_if(personal.sensors, [](const DomoticzSensor& s) { return s.person.empty(); });
  publish_all(connection_, domoticz_messages(personal, m.measurement, m.unit), 2, std::move(done));
}

}  // namespace declouder
