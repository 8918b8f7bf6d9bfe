// The Recorder: where readings enter the database and become measurements.
//
// record() stores every reading (raw bytes, device clock, receive time,
// source), recognises repeats, and turns the stabilized frame of each weighing
// into one Measurement: assigned to a person (body/assignment.hpp), enriched
// with body composition (body/composition.hpp), with a deterministic uid.
// Everything one call does happens in one transaction.
//
// What "the same weighing" means (docs/schema.md has the whole rule):
//   * the same device (family id + address) and the same weight to the gram;
//   * and the same device clock when the device reported a set one (forever:
//     a Mi scale re-advertising its cached frame after anybody's restart is
//     still that weighing); the same unset (1970-based) clock within 24 hours;
//     or, for devices without a clock, frames less than 10 minutes apart.
//   * impedance is a property of the weighing: a later frame that adds it
//     completes the stored measurement (same id, same uid) instead of making
//     another one. So is what a dual-frequency scale sends in frames without a
//     weight (its 250 kHz impedance, its heart rate) within a minute of the
//     weighing, from the same device and, when both name one, the same profile.
//
// Not thread-safe by itself; every public call takes an internal lock, so one
// Recorder may be shared by threads. Several processes may share the file.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "body/assignment.hpp"
#include "core/bytes.hpp"
#include "core/measurement.hpp"
#include "core/person.hpp"
#include "core/reading.hpp"
#include "store/database.hpp"

namespace declouder {

// A request the store cannot honour (unknown person, unknown measurement id).
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RecorderSettings {
  AssignmentSettings assignment;
  // Stabilized weights below this are stored as readings but are not
  // measurements (a parcel, a cat, a spurious "stabilized" 0.3 kg).
  double min_weight_kg = 5.0;
  // Nor are weights above this ([assignment] max_weight_kg), impedances outside
  // kPlausibleImpedanceOhm, or anything not finite: a device's out-of-range frame
  // (a decoder misreading a new firmware, a corrupted advert) stays a raw reading
  // and is never published as somebody's weight.
  double max_weight_kg = 300.0;
};

// An impedance a body can have, in ohms (bioimpedance scales measure 200-1500;
// beyond 5000 is a placeholder or a broken frame; 0 and below is no measurement).
inline constexpr double kMaxPlausibleImpedanceOhm = 5000;

// Why a weighing of `weight_kg` (and `impedance_ohm`) cannot be a person's, or
// nothing when it can: what the Recorder and `declouder record` refuse.
std::optional<std::string> implausible_weighing(double weight_kg, std::optional<double> impedance_ohm,
                                                const RecorderSettings& settings);

struct RecordResult {
  enum class Kind {
    new_measurement,      // a weighing not seen before: `measurement` is it
    updated_measurement,  // a later frame completed a stored weighing (impedance): `measurement` is it, updated
    repeat,               // a weighing (or frame) already stored: nothing new
    not_a_measurement,    // stored as a reading only: not stabilized, no weight, object mode, too light
  };
  Kind kind = Kind::not_a_measurement;
  std::int64_t reading_id = 0;          // the readings row (an earlier one when the frame repeats)
  bool repeated_frame = false;          // the identical bytes were heard before
  std::optional<Measurement> measurement;
  std::string note;                     // why: assignment reason, "repeat of measurement 12", "not stabilized"
};

std::string_view kind_name(RecordResult::Kind k);  // "new", "updated", "repeat", "reading only"

struct MeasurementQuery {
  std::optional<std::string> person;  // only this person's
  bool unassigned_only = false;
  std::optional<std::int64_t> from_us;  // time_us >= from_us
  std::optional<std::int64_t> to_us;    // time_us < to_us
  std::size_t limit = 0;                // 0: no limit
};

// A weighing another program measured, as record_imported() takes it.
struct ImportedWeighing {
  std::string family;          // where it comes from, stored as the device's family: "openscale"
  std::string source;          // "openscale-csv:FILE"
  std::string person;          // a configured person's name
  std::int64_t time_us = 0;    // when it was measured (Unix us)
  double weight_kg = 0;
  BodyMetrics metrics;         // the file's own values (absent ones are computed when they can be)
  std::string raw;             // the line of the file
};

// One measurement plus what only the store knows about it.
struct StoredMeasurement {
  Measurement measurement;
  std::int64_t reading_id = 0;
  std::string assigned_by;  // rule, "manual", or "unassigned: why"
  std::string source;       // the source of its reading
  Bytes raw;                // the bytes of its reading
};

class Recorder {
 public:
  explicit Recorder(Database& db, RecorderSettings settings = {});

  // Makes the configured people the ones assignment chooses from, and mirrors
  // them into the `people` table. When someone's sex, birth date or height
  // changed, their measurements' metrics are recomputed. Returns the names of
  // the people whose metrics were recomputed. People removed from the config
  // keep their row and their measurements.
  std::vector<std::string> sync_people(std::span<const Person> people);
  const std::vector<Person>& people() const { return people_; }
  std::optional<Person> stored_person(std::string_view name);
  // The id (Person::id) of the person named `name`: the configured one, else
  // derived from the name (someone no longer in the config). Every Measurement
  // this store returns carries it in `person_id`.
  std::string person_id_of(std::string_view name) const;

  // Stores a reading and, when it is a new weighing, its measurement.
  // `raw` is the bytes it was decoded from; `source` says where it was heard.
  RecordResult record(const Reading& reading, ByteView raw, std::int64_t receive_time_us, std::string_view source,
                      std::string_view device_name = {});

  std::optional<Measurement> measurement(std::int64_t id);
  std::optional<StoredMeasurement> stored_measurement(std::int64_t id);
  // In time order (then id).
  std::vector<Measurement> measurements(const MeasurementQuery& q = {});
  std::vector<StoredMeasurement> stored_measurements(const MeasurementQuery& q = {});
  // Measurements with id > `after_id`, in id order: a publisher's cursor.
  std::vector<Measurement> measurements_after(std::int64_t after_id, std::size_t limit = 100);
  // Measurements whose row changed (new, completed by a later frame, assigned,
  // re-assigned, recomputed) after `updated_after_us`, oldest change first,
  // with the time of the last change in `last_change_us` of the result: what a
  // publisher re-sends under the same uid, even when another process changed it.
  std::vector<Measurement> measurements_updated_after(std::int64_t updated_after_us, std::int64_t* last_change_us = nullptr,
                                                      std::size_t limit = 100);

  // The latest measurement (by time, then id) of each person who has one, and of
  // each device: what a dashboard shows now. A measurement latest for both comes
  // once. In time order.
  std::vector<Measurement> latest_measurements();

  // Assigns a measurement to a person by hand (or unassigns it with nullopt)
  // and recomputes its metrics. Throws StoreError for an unknown id or name.
  Measurement assign(std::int64_t measurement_id, std::optional<std::string_view> person);
  // Runs the assignment rules again over unassigned measurements (not those
  // unassigned by hand), oldest first; returns those now assigned.
  std::vector<Measurement> reassign_unassigned();
  // Recomputes the metrics of every measurement of this person from their
  // stored data. Returns how many.
  std::size_t recompute(std::string_view person);

  // Deletes a measurement by hand (a weighing of a guest, a cat, a suitcase).
  // Its reading stays (the bytes heard are never lost), and the weighing is
  // remembered in `deleted_measurements`, so the same weighing heard again (a
  // Mi scale repeats its last frame for minutes) stays deleted instead of
  // coming back. Returns what was deleted; throws StoreError for an unknown id.
  Measurement remove(std::int64_t measurement_id);

  // Stores a weighing from another program's file (openScale CSV) for a named
  // person: the file's line is kept as the reading's bytes, `source` says which
  // file. Its identity is (family, person, time to the second, weight to the
  // gram), so importing the same file twice stores nothing the second time.
  // The metrics are computed for the person, then the file's own values
  // replace them metric by metric. Throws StoreError for an unknown person.
  RecordResult record_imported(const ImportedWeighing& w);
  // The same for a whole file, in one transaction (years of history in seconds, and all
  // or nothing). One result per weighing, in order.
  std::vector<RecordResult> record_imported(std::span<const ImportedWeighing> weighings);

 private:
  std::int64_t device_id(const Reading& r, std::int64_t time_us, std::string_view name);
  // A frame without a weight that adds what the device's latest weighing lacks (its 250 kHz
  // impedance, 50 kHz impedance or heart rate, sent in frames of their own) completes it:
  // same id, same uid. The measurement's id when it did.
  std::optional<std::int64_t> complete_weighing(const Reading& r, std::int64_t device, std::int64_t rx);
  std::optional<std::int64_t> person_id(std::string_view name);
  std::vector<PreviousWeight> previous_weights(std::int64_t before_us, std::int64_t exclude_id);
  BodyMetrics metrics_for(const std::optional<Person>& p, double weight_kg, std::optional<double> impedance,
                          std::int64_t time_us);
  void write_metrics(std::int64_t id, const BodyMetrics& m);
  RecordResult import_one(const ImportedWeighing& w);
  std::vector<StoredMeasurement> query(const std::string& where, const std::vector<std::int64_t>& ints,
                                       const std::vector<std::string>& texts, const std::string& order,
                                       std::size_t limit);
  void load_people();

  Database& db_;
  RecorderSettings settings_;
  std::vector<Person> people_;
  std::recursive_mutex mutex_;
};

// The display unit for a measurement: its person's preferred unit (from the
// config, else as stored), else kg. What `weight` and `unit` of the measurement
// JSON are written in, by the commands and by the gateway's outputs alike.
WeightUnit display_unit(Recorder& recorder, const Measurement& m);

// The rules the Recorder applies, exposed for tests and documentation.
namespace weighing {
// The clock part of a weighing's identity: "clock:2022-02-14T16:41:58",
// "unset:1970-01-01T00:03:12", or "none".
std::string clock_part(const Reading& r);
// "<clock part>|g:<grams>"
std::string key(const Reading& r);
// The uid: 16 hex digits of FNV-1a 64 over
// "v1|<family or unknown>|<ADDRESS or ''>|<clock part or rx:<receive 10-minute bucket>>|g:<grams>".
std::string uid(const Reading& r, std::int64_t first_heard_us);
// When it was measured: the device's clock when the reading comes from the
// device's memory (more than 2 hours old by that clock, but not before 2000),
// else the receive time.
std::int64_t measured_at(const Reading& r, std::int64_t receive_time_us);
}  // namespace weighing

}  // namespace declouder
