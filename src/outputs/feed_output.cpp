#include "outputs/feed_output.hpp"

#include <nlohmann/json.hpp>

#include "outputs/measurement_json.hpp"

namespace declouder {

void FeedOutput::start(const OutputHistory&, std::function<void()> wake) {
  presence_.wake = std::move(wake);
  connection_.add_listener(&presence_);
}

void FeedOutput::deliver(const OutgoingMeasurement& m, Done done) {
  Json body = measurement_to_json(m.measurement, m.unit);
  body["gateway"] = gateway_id_;
  connection_.publish(topic(), body.dump(), 1, false, std::move(done));
}

}  // namespace declouder
