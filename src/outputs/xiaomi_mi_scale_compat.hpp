// `[mqtt] compat = ["xiaomi_mi_scale"]`: each assigned weighing also published the
// way lolouk44/xiaomi_mi_scale (src/Xiaomi_Scale.py) publishes it, so that the
// Node-RED flows, bodymiscale setups and dashboards built on that program keep
// working when a household switches to declouder.
//
//   miscale/<person name>/weight   retained (as its MQTT_RETAIN default), QoS 2
//   {"weight": 62.3, "weight_unit": "kg", "bmi": 19.67, "basal_metabolism": 1353.0,
//    "visceral_fat": 3.5, "lean_body_mass": 48.3, "body_fat": 21.6, "water": 53.8,
//    "bone_mass": 2.6, "muscle_mass": 45.7, "protein": 18.9, "body_type": "Balanced",
//    "metabolic_age": 25, "impedance": 503, "timestamp": "2026-11-21T07:00:00+00:00"}
//
// The mapping from the measurement JSON (docs/home-assistant.md has the table):
// weight = the weight in the person's unit with weight_unit "kg", "lbs" or "jin"
// (a person in stones gets pounds: that program knows no stones); every mass
// metric in kg, as that program computes them; bmi, basal_metabolism (bmr_kcal),
// visceral_fat always when computed; lean_body_mass, body_fat, water, bone_mass,
// muscle_mass, protein, body_type, metabolic_age and impedance only with an
// impedance, as there; numbers with 2 decimals, metabolic_age and impedance
// whole; timestamp = when it was measured, UTC with its "+00:00" offset (that
// program wrote local time with "+00:00"). A weighing nobody was matched to is
// not published: that program published only matched users.
#pragma once

#include <optional>

#include "core/measurement.hpp"
#include "core/reading.hpp"
#include "mqtt/connection.hpp"
#include "outputs/mqtt_message.hpp"
#include "outputs/output.hpp"

namespace declouder {

// The message for one measurement, or none (unassigned).
std::optional<MqttMessage> xiaomi_mi_scale_message(const Measurement& m, WeightUnit unit,
                                                   const std::string& prefix = "miscale");

class XiaomiMiScaleCompatOutput : public Output {
 public:
  explicit XiaomiMiScaleCompatOutput(MqttConnection& connection) : connection_(connection) {}

  std::string name() const override { return "compat:xiaomi_mi_scale"; }
  Audience audience() const override { return Audience::household; }
  void start(const OutputHistory& history, std::function<void()> wake) override;
  bool ready() const override { return presence_.online; }
  void deliver(const OutgoingMeasurement& m, Done done) override;
  bool idle() const override { return connection_.idle(); }
  bool settled() const override { return connection_.connected() && connection_.in_flight() == 0; }

 private:
  MqttConnection& connection_;
  MqttPresence presence_;
};

}  // namespace declouder
