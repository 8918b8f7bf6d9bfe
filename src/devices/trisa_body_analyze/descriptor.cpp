// Trisa Body Analyze 4.0 (Transtek GBF-1257-B, the "Transtek_WS1257B" module): a body-fat
// scale asked over GATT after a one-time pairing whose password the app keeps.
//
// Names: "11257B…" until an app has paired with it; pairing sets a "broadcast id" and the
// scale then calls itself "01257B" + that id as 8 upper-case hex digits.
// Service 0x7802: 0x8A21 measurement (indicate), 0x8A22 "append measurement" (indicate, never
// seen used), 0x8A20 feature (read, 00 00), 0x8A81 download (write: app -> scale),
// 0x8A82 upload (indicate: scale -> app).
//
// Pairing (the scale in pairing mode: its button held for several seconds):
//   scale 0x8A82: A0 <password, 4 bytes>     the app keeps it for this scale, for good
//   app   0x8A81: 21 <broadcast id, 4 bytes> (any value completes the pairing; we send 0)
//   app   0x8A81: 22                          (disconnect), and the connection ends
// Every connection after that:
//   scale 0x8A82: A1 <challenge, 4 bytes>
//   app   0x8A81: 20 <challenge XOR password, 4 bytes>
//   app   0x8A81: 02 <seconds since 2010-01-01 00:00 UTC, u32 LE> (the scale's clock)
//   scale 0x8A21: its stored measurements and the new one, one frame each
//   app   0x8A81: 22 when done
// A scale asked for a challenge answer by an app that holds no password cannot be read: the
// person must put it in pairing mode (we say so, and never guess a password).
//
// Measurement frame (0x8A21), fields present per the flags byte:
//   0      flags: bit 0 time, bit 1 R1, bit 2 R2, bit 3 user number, bit 4 status;
//          bits 5-6 the display unit (00 kg, 01 lb, 10 st, 11 kg, as NOTES.txt lists them and
//          as Medisana's Transtek frames have them; read-scale.py swaps lb and st); bit 7
//          unknown (set in every capture)
//   1-4    weight in kg (whatever the display unit), base-10 float: u24 LE mantissa x
//          10^(signed byte 4)
//   +4     time, u32 LE seconds since 2010-01-01 UTC                       (bit 0)
//   +4     R1, base-10 float (always 0 in every capture)                     (bit 1)
//   +4     R2, base-10 float, ohm: the body's resistance, 0 without one        (bit 2)
//   +1     user number (0 in every capture)                                  (bit 3)
//   +1     status: bit 0 weight stable; bits 1-3 impedance 0 idle, 1 processing, 2 shoes,
//          3 barefoot, 4 finished, 5 error; bit 4 "append measurement"       (bit 4)
//   and a last byte, always 0.
// Real frames (maksverver/trisa-body-analyze NOTES.txt, a Trisa scale and the MedM app):
//   df 281e00fe 040a7010 000000ff 601400ff 00 09 00   77.20 kg (shown in st), R2 521.6
//   9f d00200fe bf197010 000000ff 000000ff 00 09 00   7.20 kg, no resistance (R2 0)
//   9f 5a1e00fe ff197010 000000ff 031400ff 00 09 00   77.70 kg, R2 512.3
//   9f ba1d00fe 322b7110 000000ff 8d1400ff 00 09 00   76.1 kg, 2018-09-28 17:34:42 UTC, R2 526.1
//   9f b01d00fe dc2f8110 000000ff 0a1500ff 00 09 00   76.0 kg, 2018-10-10 21:10:52 UTC, R2 538.6
// (the last two also in openScale's TrisaBodyAnalyzeLibTest.java, with the vendor formulas'
// results for a 36-year-old man of 186 cm: fat 14.73 %, water 64.38 %, muscle 43.36 %, bone
// 4.53 kg).
//
// What we report: weight, the scale's time (UTC), the display unit, stable per the status
// (a frame without a status is a finished weighing), and R2 as the impedance when the status
// says the measurement finished (or there is no status) and R2 is a body's. The vendor's
// formulas (openScale TrisaBodyAnalyzeLib.kt) need the person, so the conversation adds
// them as device metrics; the stored measurement gets declouder's own formulas from the
// impedance, as every scale's does.
//
// Another Transtek scale shares the characteristics: the Medisana BS44x (medisana_bs44x/),
// whose weight frames start with the fixed byte 0x1D. A frame from a named device is taken
// only when the name is a Trisa's.
//
// Sources: maksverver/trisa-body-analyze NOTES.txt and read-scale.py (the Trisa app
// disassembled, the MedM app's traffic); openScale TrisaBodyAnalyzeHandler.kt, the older
// BluetoothTrisaBodyAnalyze.java and TrisaBodyAnalyzeLib.kt / TrisaBodyAnalyzeLibTest.java.
// Re-implemented from these facts; no code copied.
#include <cmath>

#include "devices/decode_util.hpp"
#include "devices/descriptor.hpp"
#include "devices/trisa_body_analyze/protocol.hpp"

namespace declouder::trisa {

Conversation conversation(const ConversationContext& c);                 // conversation.cpp
std::unique_ptr<SimulatedDevice> simulator(const SimOptions& options);  // simulator.cpp

DecodeOutcome decode_measurement(ByteView b) {
  if (b.size() < 5) return DecodeOutcome::reject(DecodeStatus::wrong_length, "a Trisa measurement has 5 bytes or more");
  const std::optional<transtek::WeightFrame> f = transtek::parse_weight_frame(b);
  if (!f) return DecodeOutcome::reject(DecodeStatus::wrong_length, transtek::weight_frame_problem(b));
  if (!(f->kg > 0) || f->kg > 300)
    return DecodeOutcome::reject(DecodeStatus::invalid_value, "the weight is not a person's (0-300 kg)");
  Reading r;
  r.model = kModel;
  r.weight_kg = f->kg;
  r.unit = f->unit;
  if (f->time) r.device_time = decode_util::unix_clock(kEpoch2010Unix + *f->time);
  if (f->user && *f->user != 0) r.user_slot = *f->user;
  r.stabilized = f->stable();
  if (f->resistance && f->impedance_finished() && decode_util::plausible_impedance(*f->resistance))
    r.impedance_ohm = *f->resistance;
  return DecodeOutcome::success(r);
}

std::optional<double> resistance2(ByteView b) {
  const std::optional<transtek::WeightFrame> f = transtek::parse_weight_frame(b);
  if (!f || !f->resistance || !decode_util::plausible_impedance(*f->resistance)) return std::nullopt;
  return f->resistance;
}

double trisa_impedance(double r2) { return r2 < 410 ? 3.0 : 0.3 * (r2 - 400); }

TrisaBody trisa_body(bool male, double age, double height_cm, double weight_kg, double impedance) {
  const double bmi = weight_kg * 1e4 / (height_cm * height_cm);
  TrisaBody t;
  if (male) {
    t.fat_percent = bmi * (1.479 + 4.4e-4 * impedance) + 0.1 * age - 21.764;
    t.water_percent = 87.51 - 1.162 * bmi - 0.00813 * impedance + 0.07594 * age;
    t.muscle_percent = 74.627 - 0.811 * bmi - 0.00565 * impedance - 0.367 * age;
    t.bone_kg = 7.829 - 0.0855 * bmi - 5.92e-4 * impedance - 0.0389 * age;
  } else {
    t.fat_percent = bmi * (1.506 + 3.908e-4 * impedance) + 0.1 * age - 12.834;
    t.water_percent = 77.721 - 1.148 * bmi - 0.00573 * impedance + 0.06448 * age;
    t.muscle_percent = 57.0 - 0.694 * bmi - 0.00344 * impedance - 0.255 * age;
    t.bone_kg = 7.98 - 0.0973 * bmi - 4.84e-4 * impedance - 0.036 * age;
  }
  return t;
}

void add_trisa_body(Reading& r, const Person& person, std::int64_t unix_now, double r2) {
  if (!r.weight_kg || person.height_cm <= 0) return;
  const int age = age_on(person.birth_date, unix_now * 1000000);
  if (age <= 0) return;  // openScale's rule too: no formulas without an age and a height
  const TrisaBody t = trisa_body(person.sex != Sex::female, age, person.height_cm, *r.weight_kg, trisa_impedance(r2));
  auto add = [&](const char* name, double v) {
    if (std::isfinite(v) && v > 0) r.add_device_metric(name, std::round(v * 100) / 100);
  };
  add("fat_percent", t.fat_percent);
  add("water_percent", t.water_percent);
  add("muscle_percent", t.muscle_percent);
  add("bone_kg", t.bone_kg);
}

namespace {

bool is_trisa_name(std::string_view name) {
  return decode_util::starts_with_ci(name, kUnpairedNamePrefix) || decode_util::starts_with_ci(name, kPairedNamePrefix);
}

bool claims(const Advertisement& adv) { return is_trisa_name(adv.name) || adv.advertises_service(kService); }

DecodeOutcome decode_gatt(const GattValue& v) {
  if (v.characteristic != Uuid::from16(kMeasurementCharacteristic))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "not the Trisa measurement characteristic 0x8A21");
  if (!v.device_name.empty() && !is_trisa_name(v.device_name))
    return DecodeOutcome::reject(DecodeStatus::not_this_device, "a Trisa is named 01257B… or 11257B…");
  return decode_measurement(v.value);
}

}  // namespace

}  // namespace declouder::trisa

namespace declouder {

extern const DeviceDescriptor kTrisaBodyAnalyze = {
    .id = trisa::kModel,
    .name = "Trisa Body Analyze 4.0 (Transtek GBF-1257-B)",
    .manufacturer = "Trisa",
    .names = {trisa::kPairedNamePrefix, trisa::kUnpairedNamePrefix},
    .recognised_by = "names 01257B…, 11257B…; service 0x7802; characteristic 0x8A21, base-10 float weight",
    .reports = {"weight_kg", "impedance_ohm", "device_time", "user_slot", "fat_percent", "water_percent",
                "muscle_percent", "bone_kg"},
    .link = LinkMode::gatt,
    .gatt_characteristics = {trisa::kMeasurementCharacteristic},
    .claims = trisa::claims,
    .decode_gatt = trisa::decode_gatt,
    .conversation = DeviceConversation{
        .summary = "pairs once (the scale's password on 0x8A82, kept in the database), then answers its "
                   "challenge, sets its clock and takes its measurements on 0x8A21",
        .build = trisa::conversation,
        .remembers = true,
    },
    .simulator = DeviceSimulator{
        .name = "trisa-body-analyze",
        .summary = "Trisa Body Analyze 4.0 (11257B…, 0x7802): in pairing mode until paired, then "
                   "challenge, clock, a measurement with R2",
        .create = trisa::simulator,
    },
};

}  // namespace declouder
