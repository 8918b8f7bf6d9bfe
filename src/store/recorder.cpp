#include "store/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <variant>

#include <nlohmann/json.hpp>

#include "body/composition.hpp"

namespace declouder {

namespace {

constexpr std::int64_t kSecond = 1000000;
constexpr std::int64_t kNoClockWindowUs = 10 * 60 * kSecond;     // frames of one weighing without a clock
constexpr std::int64_t kUnsetClockWindowUs = 24 * 3600 * kSecond;  // an unset clock repeats after a reset
constexpr std::int64_t kHistoryAgeUs = 2 * 3600 * kSecond;        // older than this by the device clock: from memory
constexpr std::int64_t kCompletionWindowUs = 60 * kSecond;         // a weighing's own weightless frames follow it

enum class ClockKind { set, unset, none };

ClockKind clock_kind(const Reading& r) {
  if (!r.device_time) return ClockKind::none;
  return r.device_time->unset ? ClockKind::unset : ClockKind::set;
}

// Is a frame last heard at `last_heard_us` still part of the weighing heard now?
bool same_weighing(ClockKind k, std::int64_t last_heard_us, std::int64_t now_us) {
  switch (k) {
    case ClockKind::set: return true;
    case ClockKind::unset: return now_us - last_heard_us <= kUnsetClockWindowUs;
    case ClockKind::none: return now_us - last_heard_us <= kNoClockWindowUs;
  }
  return false;
}

std::int64_t grams(double kg) { return std::llround(kg * 1000.0); }

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::int64_t local_wall_clock_to_unix(const CivilTime& c) {
  std::tm t{};
  t.tm_year = c.year - 1900;
  t.tm_mon = c.month - 1;
  t.tm_mday = c.day;
  t.tm_hour = c.hour;
  t.tm_min = c.minute;
  t.tm_sec = c.second;
  t.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&t));
}

// "2022-02-14T16:41:58[Z]" back into a DeviceClock.
std::optional<DeviceClock> parse_device_clock(const std::optional<std::string>& text, bool utc, bool unset) {
  if (!text || text->size() < 19) return std::nullopt;
  DeviceClock c;
  if (std::sscanf(text->c_str(), "%d-%d-%dT%d:%d:%d", &c.civil.year, &c.civil.month, &c.civil.day, &c.civil.hour,
                  &c.civil.minute, &c.civil.second) != 6)
    return std::nullopt;
  c.utc = utc;
  c.unset = unset;
  return c;
}

}  // namespace

std::optional<std::string> implausible_weighing(double weight_kg, std::optional<double> impedance_ohm,
                                                const RecorderSettings& s) {
  char buf[160];
  if (!std::isfinite(weight_kg)) return std::string("the weight is not a number");
  if (weight_kg < s.min_weight_kg) {
    std::snprintf(buf, sizeof buf, "%.3f kg is below the %.1f kg minimum for a person", weight_kg, s.min_weight_kg);
    return std::string(buf);
  }
  if (weight_kg > s.max_weight_kg) {
    std::snprintf(buf, sizeof buf, "%.6g kg is above the %.1f kg a person can weigh ([assignment] max_weight_kg)",
                  weight_kg, s.max_weight_kg);
    return std::string(buf);
  }
  if (impedance_ohm) {
    if (!std::isfinite(*impedance_ohm)) return std::string("the impedance is not a number");
    if (*impedance_ohm <= 0 || *impedance_ohm > kMaxPlausibleImpedanceOhm) {
      std::snprintf(buf, sizeof buf, "an impedance of %.6g ohm is not a body's (0..%.0f)", *impedance_ohm,
                    kMaxPlausibleImpedanceOhm);
      return std::string(buf);
    }
  }
  return std::nullopt;
}

namespace {

// Why a reading is not a measurement, or nothing when it is one.
std::optional<std::string> not_measurable(const Reading& r, const RecorderSettings& settings) {
  if (!r.weight_kg) return "no weight in this reading";
  if (!r.stabilized) return "not stabilized";
  // A Mi Scale v1 re-advertises the weighing after the person stepped off (status 0xA2) with
  // its date no longer valid: that frame ends a weighing, it is not a new one.
  if (r.load_removed && !r.device_time) return "the load was removed: the end of a weighing, not a new one";
  if (r.is_object) return "object mode";
  return implausible_weighing(*r.weight_kg, r.impedance_ohm, settings);
}

using Bind = std::variant<std::int64_t, std::string>;

const char* kSelectMeasurement = R"sql(
SELECT m.id, m.uid, p.name, d.family_id, d.address, m.time_us, m.device_time, m.device_time_utc,
       m.device_clock_unset, m.weight_kg, m.impedance_ohm,
       m.bmi, m.fat_percent, m.water_percent, m.muscle_kg, m.bone_kg, m.visceral_fat, m.bmr_kcal,
       m.lean_body_mass_kg, m.protein_percent, m.metabolic_age, m.body_type, m.ideal_weight_kg, m.skipped,
       m.reading_id, m.assigned_by, r.source, r.raw,
       m.impedance_low_ohm, m.impedance_high_ohm, m.heart_rate_bpm, m.profile_id
FROM measurements m
JOIN devices d ON d.id = m.device_id
JOIN readings r ON r.id = m.reading_id
LEFT JOIN people p ON p.id = m.person_id
)sql";

StoredMeasurement row_to_measurement(const Statement& st) {
  StoredMeasurement s;
  Measurement& m = s.measurement;
  m.id = st.int64(0);
  m.uid = st.text(1);
  m.person = st.opt_text(2).value_or("");
  m.model = st.text(3);
  if (auto a = st.text(4); !a.empty()) m.address = MacAddress::parse(a);
  m.time_us = st.int64(5);
  m.device_time = parse_device_clock(st.opt_text(6), st.int64(7) != 0, st.int64(8) != 0);
  m.weight_kg = st.real(9);
  m.impedance_ohm = st.opt_real(10);
  BodyMetrics& b = m.metrics;
  b.bmi = st.opt_real(11);
  b.fat_percent = st.opt_real(12);
  b.water_percent = st.opt_real(13);
  b.muscle_kg = st.opt_real(14);
  b.bone_kg = st.opt_real(15);
  b.visceral_fat = st.opt_real(16);
  b.bmr_kcal = st.opt_real(17);
  b.lean_body_mass_kg = st.opt_real(18);
  b.protein_percent = st.opt_real(19);
  b.metabolic_age = st.opt_real(20);
  b.body_type = st.opt_text(21);
  b.ideal_weight_kg = st.opt_real(22);
  if (auto sk = st.opt_text(23)) {
    auto j = nlohmann::ordered_json::parse(*sk, nullptr, false);
    if (j.is_object())
      for (auto it = j.begin(); it != j.end(); ++it)
        b.skipped.emplace_back(it.key(), it.value().is_string() ? it.value().get<std::string>() : "");
  }
  s.reading_id = st.int64(24);
  s.assigned_by = st.text(25);
  s.source = st.text(26);
  s.raw = st.blob(27);
  m.impedance_low_ohm = st.opt_real(28);
  m.impedance_high_ohm = st.opt_real(29);
  if (auto v = st.opt_int64(30)) m.heart_rate_bpm = static_cast<int>(*v);
  if (auto v = st.opt_int64(31)) m.profile_id = static_cast<int>(*v);
  return s;
}

Person row_to_person(const Statement& st, int first) {
  Person p;
  p.name = st.text(first);
  p.sex = parse_sex(st.text(first + 1)).value_or(Sex::male);
  p.birth_date = parse_date(st.text(first + 2)).value_or(CivilTime{});
  p.height_cm = st.real(first + 3);
  p.unit = parse_unit(st.text(first + 4)).value_or(WeightUnit::kg);
  p.weight_min_kg = st.opt_real(first + 5);
  p.weight_max_kg = st.opt_real(first + 6);
  if (auto s = st.opt_int64(first + 7)) p.scale_user = static_cast<int>(*s);
  if (auto s = st.opt_int64(first + 8)) p.profile_id = static_cast<int>(*s);
  p.id = person_id_from_name(p.name);  // the config's id replaces it while the person is configured
  return p;
}

constexpr const char* kPersonColumns = "name, sex, birth_date, height_cm, unit, weight_min_kg, weight_max_kg, scale_user, profile_id";

}  // namespace

std::string_view kind_name(RecordResult::Kind k) {
  switch (k) {
    case RecordResult::Kind::new_measurement: return "new";
    case RecordResult::Kind::updated_measurement: return "updated";
    case RecordResult::Kind::repeat: return "repeat";
    case RecordResult::Kind::not_a_measurement: return "reading only";
  }
  return "?";
}

namespace {
// True when `m` holds the metric named `key` (a key of the measurement JSON).
bool metric_given(const BodyMetrics& m, std::string_view key) {
  if (key == "bmi") return m.bmi.has_value();
  if (key == "fat_percent") return m.fat_percent.has_value();
  if (key == "water_percent") return m.water_percent.has_value();
  if (key == "muscle_kg") return m.muscle_kg.has_value();
  if (key == "bone_kg") return m.bone_kg.has_value();
  if (key == "visceral_fat") return m.visceral_fat.has_value();
  if (key == "bmr_kcal") return m.bmr_kcal.has_value();
  if (key == "lean_body_mass_kg") return m.lean_body_mass_kg.has_value();
  if (key == "protein_percent") return m.protein_percent.has_value();
  if (key == "metabolic_age") return m.metabolic_age.has_value();
  return false;
}
}  // namespace

// ---- the weighing rules ----

namespace weighing {

std::string clock_part(const Reading& r) {
  switch (clock_kind(r)) {
    case ClockKind::set: return "clock:" + iso8601(*r.device_time);
    case ClockKind::unset: return "unset:" + iso8601(*r.device_time);
    case ClockKind::none: return "none";
  }
  return "none";
}

std::string key(const Reading& r) { return clock_part(r) + "|g:" + std::to_string(grams(r.weight_kg.value_or(0))); }

std::string uid(const Reading& r, std::int64_t first_heard_us) {
  std::string time = clock_kind(r) == ClockKind::none
                         ? "rx:" + std::to_string(first_heard_us / kNoClockWindowUs)
                         : clock_part(r);
  std::string canonical = std::string("v1|") + (r.model ? r.model : "unknown") + "|" + (r.address ? r.address->str() : "") +
                          "|" + time + "|g:" + std::to_string(grams(r.weight_kg.value_or(0)));
  return hex64(fnv1a64(canonical));
}

std::int64_t measured_at(const Reading& r, std::int64_t receive_time_us) {
  if (clock_kind(r) != ClockKind::set) return receive_time_us;
  const CivilTime& c = r.device_time->civil;
  if (c.year < 2000) return receive_time_us;
  const std::int64_t device_us =
      (r.device_time->utc ? unix_from_civil(c) : local_wall_clock_to_unix(c)) * kSecond;
  if (device_us > receive_time_us || receive_time_us - device_us <= kHistoryAgeUs) return receive_time_us;
  return device_us;
}

}  // namespace weighing

// ---- Recorder ----

Recorder::Recorder(Database& db, RecorderSettings settings) : db_(db), settings_(settings) { load_people(); }

void Recorder::load_people() {
  people_.clear();
  auto st = db_.prepare(std::string("SELECT ") + kPersonColumns + " FROM people ORDER BY id");
  while (st.step()) people_.push_back(row_to_person(st, 0));
}

std::optional<Person> Recorder::stored_person(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto st = db_.prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return row_to_person(st, 0);
}

std::optional<std::int64_t> Recorder::person_id(std::string_view name) {
  auto st = db_.prepare("SELECT id FROM people WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

std::vector<std::string> Recorder::sync_people(std::span<const Person> people) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> changed;
  {
    Database::Transaction tx(db_);
    const std::int64_t now = now_unix_us();
    for (const Person& p : people) {
      auto old = stored_person(p.name);
      if (old && Person::same_body(*old, p) && old->unit == p.unit && old->weight_min_kg == p.weight_min_kg &&
          old->weight_max_kg == p.weight_max_kg && old->scale_user == p.scale_user && old->profile_id == p.profile_id)
        continue;
      auto st = db_.prepare(old ? "UPDATE people SET sex=?, birth_date=?, height_cm=?, unit=?, weight_min_kg=?, "
                                  "weight_max_kg=?, scale_user=?, updated_at_us=?, profile_id=? WHERE name=?"
                                : "INSERT INTO people(sex, birth_date, height_cm, unit, weight_min_kg, weight_max_kg, "
                                  "scale_user, updated_at_us, profile_id, name) VALUES (?,?,?,?,?,?,?,?,?,?)");
      st.bind(1, sex_name(p.sex)).bind(2, date_string(p.birth_date)).bind(3, p.height_cm).bind(4, unit_name(p.unit));
      st.bind(5, p.weight_min_kg).bind(6, p.weight_max_kg);
      if (p.scale_user)
        st.bind(7, *p.scale_user);
      else
        st.bind_null(7);
      st.bind(8, now);
      if (p.profile_id)
        st.bind(9, *p.profile_id);
      else
        st.bind_null(9);
      st.bind(10, p.name).run();
      if (old && !Person::same_body(*old, p)) changed.push_back(p.name);
    }
    tx.commit();
  }
  people_.assign(people.begin(), people.end());
  for (const auto& name : changed) recompute(name);
  return changed;
}

std::int64_t Recorder::device_id(const Reading& r, std::int64_t time_us, std::string_view name) {
  const std::string family = r.model ? r.model : "unknown";
  const std::string address = r.address ? r.address->str() : "";
  auto find = db_.prepare("SELECT id FROM devices WHERE family_id = ? AND address = ?");
  find.bind(1, family).bind(2, address);
  if (find.step()) {
    const std::int64_t id = find.int64(0);
    auto up = db_.prepare(
        "UPDATE devices SET last_seen_us = max(last_seen_us, ?), name = coalesce(?, name) WHERE id = ?");
    up.bind(1, time_us);
    if (name.empty())
      up.bind_null(2);
    else
      up.bind(2, name);
    up.bind(3, id).run();
    return id;
  }
  auto ins = db_.prepare(
      "INSERT INTO devices(family_id, address, name, first_seen_us, last_seen_us) VALUES (?, ?, ?, ?, ?)");
  ins.bind(1, family).bind(2, address);
  if (name.empty())
    ins.bind_null(3);
  else
    ins.bind(3, name);
  ins.bind(4, time_us).bind(5, time_us).run();
  return db_.last_insert_id();
}

std::vector<PreviousWeight> Recorder::previous_weights(std::int64_t before_us, std::int64_t exclude_id) {
  std::vector<PreviousWeight> out;
  auto st = db_.prepare(
      "SELECT m.weight_kg FROM measurements m JOIN people p ON p.id = m.person_id "
      "WHERE p.name = ? AND m.time_us <= ? AND m.id != ? ORDER BY m.time_us DESC, m.id DESC LIMIT 1");
  for (const Person& p : people_) {
    st.reset();
    st.bind(1, p.name).bind(2, before_us).bind(3, exclude_id);
    if (st.step()) out.push_back({p.name, st.real(0)});
  }
  return out;
}

BodyMetrics Recorder::metrics_for(const std::optional<Person>& p, double weight_kg, std::optional<double> impedance,
                                  std::int64_t time_us) {
  if (!p) return {};
  return compute_body_metrics(body_inputs(*p, weight_kg, impedance, time_us));
}

void Recorder::write_metrics(std::int64_t id, const BodyMetrics& m) {
  nlohmann::ordered_json skipped = nlohmann::ordered_json::object();
  for (const auto& [metric, why] : m.skipped) skipped[metric] = why;
  auto st = db_.prepare(
      "UPDATE measurements SET formula=?, bmi=?, fat_percent=?, water_percent=?, muscle_kg=?, bone_kg=?, "
      "visceral_fat=?, bmr_kcal=?, lean_body_mass_kg=?, protein_percent=?, metabolic_age=?, body_type=?, "
      "ideal_weight_kg=?, skipped=?, updated_at_us=? WHERE id=?");
  st.bind(1, kBodyFormula)
      .bind(2, m.bmi)
      .bind(3, m.fat_percent)
      .bind(4, m.water_percent)
      .bind(5, m.muscle_kg)
      .bind(6, m.bone_kg)
      .bind(7, m.visceral_fat)
      .bind(8, m.bmr_kcal)
      .bind(9, m.lean_body_mass_kg)
      .bind(10, m.protein_percent)
      .bind(11, m.metabolic_age)
      .bind(12, m.body_type)
      .bind(13, m.ideal_weight_kg);
  if (m.skipped.empty())
    st.bind_null(14);
  else
    st.bind(14, skipped.dump());
  st.bind(15, now_unix_us()).bind(16, id).run();
}

RecordResult Recorder::record(const Reading& r, ByteView raw, std::int64_t rx, std::string_view source,
                              std::string_view device_name) {
  std::lock_guard lock(mutex_);
  RecordResult result;
  const ClockKind clock = clock_kind(r);
  Database::Transaction tx(db_);
  const std::int64_t dev = device_id(r, rx, device_name);

  // 1. The reading: an identical frame of the same weighing only bumps its row.
  {
    auto find = db_.prepare("SELECT id, last_heard_us FROM readings WHERE device_id = ? AND raw = ? "
                            "ORDER BY id DESC LIMIT 1");
    find.bind(1, dev).bind(2, raw);
    if (find.step() && same_weighing(clock, find.int64(1), rx)) {
      result.reading_id = find.int64(0);
      result.repeated_frame = true;
      db_.prepare("UPDATE readings SET last_heard_us = max(last_heard_us, ?), repeat_count = repeat_count + 1 "
                  "WHERE id = ?")
          .bind(1, rx)
          .bind(2, result.reading_id)
          .run();
    } else {
      nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
      for (std::size_t i = 0; i < r.device_metric_count; ++i) metrics[r.device_metrics[i].name] = r.device_metrics[i].value;
      auto ins = db_.prepare(
          "INSERT INTO readings(device_id, raw, received_us, last_heard_us, source, device_time, device_time_utc, "
          "device_clock_unset, unit, weight_kg, impedance_ohm, heart_rate_bpm, battery_percent, user_slot, steps, "
          "stabilized, load_removed, is_object, device_metrics, impedance_low_ohm, impedance_high_ohm, profile_id) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      ins.bind(1, dev).bind(2, raw).bind(3, rx).bind(4, rx).bind(5, source);
      if (r.device_time)
        ins.bind(6, iso8601(*r.device_time));
      else
        ins.bind_null(6);
      ins.bind(7, r.device_time && r.device_time->utc ? 1 : 0).bind(8, r.device_time && r.device_time->unset ? 1 : 0);
      ins.bind(9, unit_name(r.unit)).bind(10, r.weight_kg).bind(11, r.impedance_ohm);
      ins.bind(12, r.heart_rate_bpm).bind(13, r.battery_percent).bind(14, r.user_slot).bind(15, r.steps);
      ins.bind(16, r.stabilized ? 1 : 0).bind(17, r.load_removed ? 1 : 0).bind(18, r.is_object ? 1 : 0);
      if (r.device_metric_count)
        ins.bind(19, metrics.dump());
      else
        ins.bind_null(19);
      ins.bind(20, r.impedance_low_ohm).bind(21, r.impedance_high_ohm).bind(22, r.profile_id);
      ins.run();
      result.reading_id = db_.last_insert_id();
    }
  }

  // 2. Is it a measurement at all? A frame without a weight may still complete the weighing
  // just made on the same device (the S400's 250 kHz impedance comes in a frame of its own).
  if (auto why = not_measurable(r, settings_)) {
    if (auto completed = complete_weighing(r, dev, rx)) {
      tx.commit();
      result.kind = RecordResult::Kind::updated_measurement;
      result.note = "completed measurement " + std::to_string(*completed);
      result.measurement = measurement(*completed);
      return result;
    }
    tx.commit();
    result.kind = RecordResult::Kind::not_a_measurement;
    result.note = *why;
    return result;
  }

  // 3. A weighing already stored?
  const std::string key = weighing::key(r);
  {
    auto find = db_.prepare("SELECT m.id, m.last_heard_us, m.impedance_ohm, p.name, m.time_us FROM measurements m "
                            "LEFT JOIN people p ON p.id = m.person_id "
                            "WHERE m.device_id = ? AND m.weighing_key = ? ORDER BY m.id DESC LIMIT 1");
    find.bind(1, dev).bind(2, key);
    if (find.step() && same_weighing(clock, find.int64(1), rx)) {
      const std::int64_t id = find.int64(0);
      const bool adds_impedance = find.is_null(2) && r.impedance_ohm;
      auto person = find.opt_text(3);
      const std::int64_t time_us = find.int64(4);
      db_.prepare("UPDATE measurements SET last_heard_us = max(last_heard_us, ?) WHERE id = ?").bind(1, rx).bind(2, id).run();
      if (adds_impedance) {
        db_.prepare("UPDATE measurements SET impedance_ohm = ?, reading_id = ? WHERE id = ?")
            .bind(1, *r.impedance_ohm)
            .bind(2, result.reading_id)
            .bind(3, id)
            .run();
        write_metrics(id, metrics_for(person ? stored_person(*person) : std::nullopt, *r.weight_kg, r.impedance_ohm,
                                      time_us));
        result.kind = RecordResult::Kind::updated_measurement;
        result.note = "impedance added to measurement " + std::to_string(id);
      } else {
        result.kind = RecordResult::Kind::repeat;
        result.note = "repeat of measurement " + std::to_string(id);
      }
      tx.commit();
      if (adds_impedance) result.measurement = measurement(id);
      return result;
    }
  }

  // 3b. A weighing deleted by hand, heard again: it stays deleted.
  {
    auto find = db_.prepare("SELECT uid, last_heard_us FROM deleted_measurements "
                            "WHERE device_id = ? AND weighing_key = ? ORDER BY deleted_us DESC LIMIT 1");
    find.bind(1, dev).bind(2, key);
    if (find.step() && same_weighing(clock, find.int64(1), rx)) {
      const std::string uid = find.text(0);
      db_.prepare("UPDATE deleted_measurements SET last_heard_us = max(last_heard_us, ?) WHERE uid = ?")
          .bind(1, rx)
          .bind(2, uid)
          .run();
      tx.commit();
      result.kind = RecordResult::Kind::repeat;
      result.note = "repeat of deleted measurement " + uid;
      return result;
    }
  }

  // 4. A new weighing: assign, compute, store.
  const std::int64_t time_us = weighing::measured_at(r, rx);
  const Assignment who = assign_person(*r.weight_kg, r.user_slot, people_, previous_weights(time_us, 0),
                                       settings_.assignment, r.profile_id);
  std::string uid = weighing::uid(r, rx);
  for (int n = 2;; ++n) {  // two different weighings with one identity (a reset unset clock): keep both
    auto taken = db_.prepare("SELECT 1 FROM measurements WHERE uid = ?");
    taken.bind(1, uid);
    if (!taken.step()) break;
    uid = weighing::uid(r, rx) + "-" + std::to_string(n);
  }
  auto ins = db_.prepare(
      "INSERT INTO measurements(uid, reading_id, device_id, person_id, assigned_by, time_us, first_heard_us, "
      "last_heard_us, weighing_key, device_time, device_time_utc, device_clock_unset, weight_kg, impedance_ohm, "
      "user_slot, formula, updated_at_us, impedance_low_ohm, impedance_high_ohm, heart_rate_bpm, profile_id) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, uid).bind(2, result.reading_id).bind(3, dev);
  if (who.person)
    ins.bind(4, person_id(*who.person));
  else
    ins.bind_null(4);
  ins.bind(5, who.reason).bind(6, time_us).bind(7, rx).bind(8, rx).bind(9, key);
  if (r.device_time)
    ins.bind(10, iso8601(*r.device_time));
  else
    ins.bind_null(10);
  ins.bind(11, r.device_time && r.device_time->utc ? 1 : 0).bind(12, r.device_time && r.device_time->unset ? 1 : 0);
  ins.bind(13, *r.weight_kg).bind(14, r.impedance_ohm).bind(15, r.user_slot).bind(16, kBodyFormula);
  ins.bind(17, rx).bind(18, r.impedance_low_ohm).bind(19, r.impedance_high_ohm).bind(20, r.heart_rate_bpm);
  ins.bind(21, r.profile_id).run();
  const std::int64_t id = db_.last_insert_id();
  write_metrics(id, metrics_for(who.person ? stored_person(*who.person) : std::nullopt, *r.weight_kg,
                                r.impedance_ohm, time_us));
  tx.commit();
  result.kind = RecordResult::Kind::new_measurement;
  result.note = who.reason;
  result.measurement = measurement(id);
  return result;
}

namespace {
bool plausible_impedance(double ohm) { return std::isfinite(ohm) && ohm > 0 && ohm <= kMaxPlausibleImpedanceOhm; }
}  // namespace

std::optional<std::int64_t> Recorder::complete_weighing(const Reading& r, std::int64_t device, std::int64_t rx) {
  if (r.weight_kg || (!r.impedance_low_ohm && !r.impedance_high_ohm && !r.heart_rate_bpm)) return std::nullopt;
  if (r.impedance_low_ohm && !plausible_impedance(*r.impedance_low_ohm)) return std::nullopt;
  if (r.impedance_high_ohm && !plausible_impedance(*r.impedance_high_ohm)) return std::nullopt;
  auto find = db_.prepare(
      "SELECT m.id, m.last_heard_us, m.profile_id, m.impedance_ohm, m.impedance_low_ohm, m.impedance_high_ohm, "
      "m.heart_rate_bpm, m.weight_kg, m.time_us, p.name FROM measurements m LEFT JOIN people p ON p.id = m.person_id "
      "WHERE m.device_id = ? ORDER BY m.last_heard_us DESC, m.id DESC LIMIT 1");
  find.bind(1, device);
  if (!find.step()) return std::nullopt;
  const std::int64_t id = find.int64(0);
  // The weighing's own frames follow it within seconds; after the window it is another one.
  if (rx < find.int64(1) || rx - find.int64(1) > kCompletionWindowUs) return std::nullopt;
  if (auto profile = find.opt_int64(2); profile && r.profile_id && *profile != *r.profile_id) return std::nullopt;
  const bool adds_low = r.impedance_low_ohm && find.is_null(4);
  const bool adds_high = r.impedance_high_ohm && find.is_null(5);
  const bool adds_heart = r.heart_rate_bpm && find.is_null(6);
  if (!adds_low && !adds_high && !adds_heart) return std::nullopt;
  // The 50 kHz impedance is the one body composition uses (single-frequency formulas).
  const bool adds_impedance = adds_low && find.is_null(3);
  auto up = db_.prepare(
      "UPDATE measurements SET impedance_low_ohm = coalesce(impedance_low_ohm, ?), "
      "impedance_high_ohm = coalesce(impedance_high_ohm, ?), heart_rate_bpm = coalesce(heart_rate_bpm, ?), "
      "impedance_ohm = coalesce(impedance_ohm, ?), last_heard_us = max(last_heard_us, ?), "
      "updated_at_us = ? WHERE id = ?");
  up.bind(1, r.impedance_low_ohm).bind(2, r.impedance_high_ohm).bind(3, r.heart_rate_bpm);
  up.bind(4, adds_impedance ? r.impedance_low_ohm : std::nullopt).bind(5, rx).bind(6, now_unix_us()).bind(7, id).run();
  if (adds_impedance) {
    auto person = find.opt_text(9);
    write_metrics(id, metrics_for(person ? stored_person(*person) : std::nullopt, find.real(7), r.impedance_low_ohm,
                                  find.int64(8)));
  }
  return id;
}

std::vector<StoredMeasurement> Recorder::query(const std::string& where, const std::vector<std::int64_t>& ints,
                                               const std::vector<std::string>& texts, const std::string& order,
                                               std::size_t limit) {
  std::string sql = std::string(kSelectMeasurement) + where + " ORDER BY " + order;
  if (limit) sql += " LIMIT " + std::to_string(limit);
  auto st = db_.prepare(sql);
  int i = 1;
  for (const auto& t : texts) st.bind(i++, t);
  for (auto v : ints) st.bind(i++, v);
  std::vector<StoredMeasurement> out;
  while (st.step()) {
    out.push_back(row_to_measurement(st));
    Measurement& m = out.back().measurement;
    if (!m.person.empty()) m.person_id = person_id_of(m.person);
  }
  return out;
}

std::string Recorder::person_id_of(std::string_view name) const {
  for (const Person& p : people_)
    if (p.name == name) return p.topic_id();
  return person_id_from_name(name);
}

std::optional<StoredMeasurement> Recorder::stored_measurement(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto rows = query(" WHERE m.id = ?", {id}, {}, "m.id", 1);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<Measurement> Recorder::measurement(std::int64_t id) {
  auto s = stored_measurement(id);
  if (!s) return std::nullopt;
  return s->measurement;
}

std::vector<StoredMeasurement> Recorder::stored_measurements(const MeasurementQuery& q) {
  std::lock_guard lock(mutex_);
  std::string where = " WHERE 1=1";
  std::vector<std::string> texts;
  std::vector<std::int64_t> ints;
  if (q.person) {
    where += " AND p.name = ?";
    texts.push_back(*q.person);
  }
  if (q.unassigned_only) where += " AND m.person_id IS NULL";
  if (q.from_us) {
    where += " AND m.time_us >= ?";
    ints.push_back(*q.from_us);
  }
  if (q.to_us) {
    where += " AND m.time_us < ?";
    ints.push_back(*q.to_us);
  }
  return query(where, ints, texts, "m.time_us, m.id", q.limit);
}

std::vector<Measurement> Recorder::measurements(const MeasurementQuery& q) {
  std::vector<Measurement> out;
  for (auto& s : stored_measurements(q)) out.push_back(std::move(s.measurement));
  return out;
}

std::vector<Measurement> Recorder::latest_measurements() {
  std::lock_guard lock(mutex_);
  // The newest row per person and per device, compared as (time_us, id).
  const char* where = R"sql( WHERE m.id IN (
      SELECT (SELECT x.id FROM measurements x WHERE x.person_id = g.person_id ORDER BY x.time_us DESC, x.id DESC LIMIT 1)
      FROM (SELECT DISTINCT person_id FROM measurements WHERE person_id IS NOT NULL) g
      UNION
      SELECT (SELECT x.id FROM measurements x WHERE x.device_id = g.device_id ORDER BY x.time_us DESC, x.id DESC LIMIT 1)
      FROM (SELECT DISTINCT device_id FROM measurements) g))sql";
  std::vector<Measurement> out;
  for (auto& s : query(where, {}, {}, "m.time_us, m.id", 0)) out.push_back(std::move(s.measurement));
  return out;
}

std::vector<Measurement> Recorder::measurements_after(std::int64_t after_id, std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<Measurement> out;
  for (auto& s : query(" WHERE m.id > ?", {after_id}, {}, "m.id", limit)) out.push_back(std::move(s.measurement));
  return out;
}

std::vector<Measurement> Recorder::measurements_updated_after(std::int64_t updated_after_us,
                                                              std::int64_t* last_change_us, std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::vector<Measurement> out;
  auto rows = query(" WHERE m.updated_at_us > ?", {updated_after_us}, {}, "m.updated_at_us, m.id", limit);
  if (last_change_us) {
    *last_change_us = updated_after_us;
    if (!rows.empty()) {
      auto st = db_.prepare("SELECT updated_at_us FROM measurements WHERE id = ?");
      st.bind(1, rows.back().measurement.id);
      if (st.step()) *last_change_us = st.int64(0);
    }
  }
  for (auto& s : rows) out.push_back(std::move(s.measurement));
  return out;
}

Measurement Recorder::assign(std::int64_t measurement_id, std::optional<std::string_view> person) {
  std::lock_guard lock(mutex_);
  auto current = stored_measurement(measurement_id);
  if (!current) throw StoreError("no measurement with id " + std::to_string(measurement_id));
  std::optional<Person> p;
  if (person) {
    p = stored_person(*person);
    if (!p) throw StoreError("no person named '" + std::string(*person) + "'");
  }
  {
    Database::Transaction tx(db_);
    auto st = db_.prepare("UPDATE measurements SET person_id = ?, assigned_by = ? WHERE id = ?");
    if (p)
      st.bind(1, *person_id(p->name));
    else
      st.bind_null(1);
    st.bind(2, p ? "manual" : "manual: unassigned").bind(3, measurement_id).run();
    const Measurement& m = current->measurement;
    write_metrics(measurement_id, metrics_for(p, m.weight_kg, m.impedance_ohm, m.time_us));
    tx.commit();
  }
  return *measurement(measurement_id);
}

std::vector<Measurement> Recorder::reassign_unassigned() {
  std::lock_guard lock(mutex_);
  std::vector<Measurement> out;
  Database::Transaction tx(db_);
  auto pending = db_.prepare(
      "SELECT id, weight_kg, user_slot, time_us, impedance_ohm, profile_id FROM measurements "
      "WHERE person_id IS NULL AND assigned_by NOT LIKE 'manual%' ORDER BY time_us, id");
  struct Pending {
    std::int64_t id, time_us;
    double weight;
    std::optional<int> slot;
    std::optional<double> impedance;
    std::optional<int> profile;
  };
  std::vector<Pending> rows;  // read first: the loop below updates the same table
  while (pending.step()) {
    Pending row{pending.int64(0), pending.int64(3), pending.real(1), std::nullopt, pending.opt_real(4)};
    if (auto s = pending.opt_int64(2)) row.slot = static_cast<int>(*s);
    if (auto s = pending.opt_int64(5)) row.profile = static_cast<int>(*s);
    rows.push_back(row);
  }
  std::vector<std::int64_t> assigned;
  for (const Pending& row : rows) {
    const std::int64_t id = row.id, time_us = row.time_us;
    const double weight = row.weight;
    const std::optional<int> slot = row.slot;
    const Assignment who =
        assign_person(weight, slot, people_, previous_weights(time_us, id), settings_.assignment, row.profile);
    if (!who.person) {
      db_.prepare("UPDATE measurements SET assigned_by = ? WHERE id = ?").bind(1, who.reason).bind(2, id).run();
      continue;
    }
    db_.prepare("UPDATE measurements SET person_id = ?, assigned_by = ? WHERE id = ?")
        .bind(1, *person_id(*who.person))
        .bind(2, who.reason)
        .bind(3, id)
        .run();
    write_metrics(id, metrics_for(stored_person(*who.person), weight, row.impedance, time_us));
    assigned.push_back(id);
  }
  tx.commit();
  for (auto id : assigned) out.push_back(*measurement(id));
  return out;
}

std::size_t Recorder::recompute(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto p = stored_person(name);
  if (!p) throw StoreError("no person named '" + std::string(name) + "'");
  Database::Transaction tx(db_);
  std::size_t n = 0;
  for (const auto& s : query(" WHERE p.name = ?", {}, {std::string(name)}, "m.id", 0)) {
    const Measurement& m = s.measurement;
    write_metrics(m.id, metrics_for(p, m.weight_kg, m.impedance_ohm, m.time_us));
    ++n;
  }
  tx.commit();
  return n;
}

WeightUnit display_unit(Recorder& recorder, const Measurement& m) {
  if (m.person.empty()) return WeightUnit::kg;
  for (const Person& p : recorder.people())
    if (p.name == m.person) return p.unit;
  if (auto stored = recorder.stored_person(m.person)) return stored->unit;  // no longer in the config
  return WeightUnit::kg;
}

}  // namespace declouder

namespace declouder {

Measurement Recorder::remove(std::int64_t measurement_id) {
  std::lock_guard lock(mutex_);
  auto current = measurement(measurement_id);
  if (!current) throw StoreError("no measurement with id " + std::to_string(measurement_id));
  Database::Transaction tx(db_);
  db_.prepare("INSERT OR REPLACE INTO deleted_measurements(uid, device_id, weighing_key, reading_id, person, time_us, "
              "weight_kg, last_heard_us, deleted_us) "
              "SELECT m.uid, m.device_id, m.weighing_key, m.reading_id, p.name, m.time_us, m.weight_kg, "
              "m.last_heard_us, ? FROM measurements m LEFT JOIN people p ON p.id = m.person_id WHERE m.id = ?")
      .bind(1, now_unix_us())
      .bind(2, measurement_id)
      .run();
  db_.prepare("DELETE FROM measurements WHERE id = ?").bind(1, measurement_id).run();
  tx.commit();
  return *current;
}

RecordResult Recorder::record_imported(const ImportedWeighing& w) {
  return record_imported(std::span<const ImportedWeighing>(&w, 1)).front();
}

std::vector<RecordResult> Recorder::record_imported(std::span<const ImportedWeighing> weighings) {
  std::lock_guard lock(mutex_);
  std::vector<RecordResult> results;
  results.reserve(weighings.size());
  Database::Transaction tx(db_);
  for (const ImportedWeighing& w : weighings) results.push_back(import_one(w));
  tx.commit();
  for (auto& r : results)
    if (r.kind == RecordResult::Kind::new_measurement) r.measurement = measurement(r.measurement->id);
  return results;
}

// One imported weighing, inside the caller's transaction. `measurement` of a new one holds
// only its id: the caller reads it back once everything is written.
RecordResult Recorder::import_one(const ImportedWeighing& w) {
  RecordResult result;
  auto p = stored_person(w.person);
  if (!p) throw StoreError("no person named '" + w.person + "'");
  const std::int64_t seconds = w.time_us / kSecond;
  const std::string key = "imported:" + iso8601_utc_s(seconds) + "|g:" + std::to_string(grams(w.weight_kg));
  const std::string uid = hex64(fnv1a64("v1|" + w.family + "|" + w.person + "|" + key));
  {
    auto taken = db_.prepare("SELECT id FROM measurements WHERE uid = ? UNION ALL "
                             "SELECT 0 FROM deleted_measurements WHERE uid = ?");
    taken.bind(1, uid).bind(2, uid);
    if (taken.step()) {
      result.kind = RecordResult::Kind::repeat;
      result.note = taken.int64(0) ? "already imported as measurement " + std::to_string(taken.int64(0))
                                   : "imported before and deleted since";
      return result;
    }
  }
  Reading r;
  r.model = w.family.c_str();
  r.weight_kg = w.weight_kg;
  r.stabilized = true;
  const std::int64_t rx = now_unix_us();
  const std::int64_t dev = device_id(r, rx, {});
  auto ins = db_.prepare(
      "INSERT INTO readings(device_id, raw, received_us, last_heard_us, source, unit, weight_kg, stabilized, "
      "load_removed, is_object) VALUES (?,?,?,?,?,'kg',?,1,0,0)");
  const ByteView raw(reinterpret_cast<const std::uint8_t*>(w.raw.data()), w.raw.size());
  ins.bind(1, dev).bind(2, raw).bind(3, rx).bind(4, rx).bind(5, w.source).bind(6, w.weight_kg).run();
  result.reading_id = db_.last_insert_id();
  db_.prepare(
         "INSERT INTO measurements(uid, reading_id, device_id, person_id, assigned_by, time_us, first_heard_us, "
         "last_heard_us, weighing_key, weight_kg, formula, updated_at_us) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, uid)
      .bind(2, result.reading_id)
      .bind(3, dev)
      .bind(4, *person_id(p->name))
      .bind(5, "imported: " + w.source)
      .bind(6, seconds * kSecond)
      .bind(7, rx)
      .bind(8, rx)
      .bind(9, key)
      .bind(10, w.weight_kg)
      .bind(11, kBodyFormula)
      .bind(12, rx)
      .run();
  const std::int64_t id = db_.last_insert_id();
  BodyMetrics m = metrics_for(p, w.weight_kg, std::nullopt, seconds * kSecond);
  const BodyMetrics& f = w.metrics;
  auto take = [](std::optional<double>& into, const std::optional<double>& from) {
    if (from) into = from;
  };
  take(m.bmi, f.bmi);
  take(m.fat_percent, f.fat_percent);
  take(m.water_percent, f.water_percent);
  take(m.muscle_kg, f.muscle_kg);
  take(m.bone_kg, f.bone_kg);
  take(m.visceral_fat, f.visceral_fat);
  take(m.bmr_kcal, f.bmr_kcal);
  take(m.lean_body_mass_kg, f.lean_body_mass_kg);
  take(m.protein_percent, f.protein_percent);
  take(m.metabolic_age, f.metabolic_age);
  std::erase_if(m.skipped, [&](const auto& s) { return metric_given(f, s.first); });
  write_metrics(id, m);
  result.kind = RecordResult::Kind::new_measurement;
  result.note = "imported";
  result.measurement.emplace();
  result.measurement->id = id;
  return result;
}

}  // namespace declouder
