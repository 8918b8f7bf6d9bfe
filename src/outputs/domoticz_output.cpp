#include "outputs/domoticz_output.hpp"

namespace declouder {

void DomoticzOutput::start(const OutputHistory&, std::function<void()> wake) {
  presence_.wake = std::move(wake);
  connection_.add_listener(&presence_);
}

void DomoticzOutput::deliver(const OutgoingMeasurement& m, Done done) {
  publish_all(connection_, domoticz_messages(settings_, m.measurement, m.unit), 2, std::move(done));
}

}  // namespace declouder
