// The core store's tables (migrations 01xx): devices, readings, people and
// measurements. Every column is documented in docs/schema.md. Released
// migrations are never edited; a change is a new migration.
#include "store/migrations.hpp"

namespace declouder {
namespace {

const MigrationRegistration devices{{"0100_devices", R"sql(
CREATE TABLE devices (
  id            INTEGER PRIMARY KEY,
  family_id     TEXT NOT NULL,              -- DeviceFamily id, e.g. 'xiaomi-mi-scale-2'
  address       TEXT NOT NULL DEFAULT '',   -- 'AA:BB:CC:DD:EE:FF', '' when unknown
  name          TEXT,                       -- advertised name, when known
  first_seen_us INTEGER NOT NULL,
  last_seen_us  INTEGER NOT NULL,
  UNIQUE (family_id, address)
);
)sql"}};

const MigrationRegistration readings{{"0101_readings", R"sql(
CREATE TABLE readings (
  id                 INTEGER PRIMARY KEY,
  device_id          INTEGER NOT NULL REFERENCES devices(id),
  raw                BLOB NOT NULL,             -- the bytes the reading was decoded from
  received_us        INTEGER NOT NULL,          -- first heard (Unix us, UTC)
  last_heard_us      INTEGER NOT NULL,          -- last time the identical frame was heard
  repeat_count       INTEGER NOT NULL DEFAULT 0,-- how many identical frames followed
  source             TEXT NOT NULL,             -- 'bluez:hci0', 'capture:FILE', 'cli', ...
  device_time        TEXT,                      -- the device's clock, ISO 8601 as reported
  device_time_utc    INTEGER NOT NULL DEFAULT 0,-- 1: that clock counts UTC; 0: wall clock
  device_clock_unset INTEGER NOT NULL DEFAULT 0,-- 1: the clock was never set (1970)
  unit               TEXT NOT NULL,             -- unit the device displayed
  weight_kg          REAL,
  impedance_ohm      REAL,
  heart_rate_bpm     INTEGER,
  battery_percent    INTEGER,
  user_slot          INTEGER,
  steps              INTEGER,
  stabilized         INTEGER NOT NULL,
  load_removed       INTEGER NOT NULL,
  is_object          INTEGER NOT NULL,
  device_metrics     TEXT                       -- JSON object of values the device computed itself
);
CREATE INDEX readings_by_frame ON readings(device_id, raw);
)sql"}};

const MigrationRegistration people{{"0102_people", R"sql(
CREATE TABLE people (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  sex           TEXT NOT NULL CHECK (sex IN ('male', 'female')),
  birth_date    TEXT NOT NULL,         -- YYYY-MM-DD
  height_cm     REAL NOT NULL,
  unit          TEXT NOT NULL,         -- preferred display unit: kg, lb, st, jin
  weight_min_kg REAL,
  weight_max_kg REAL,
  scale_user    INTEGER,
  updated_at_us INTEGER NOT NULL
);
)sql"}};

const MigrationRegistration measurements{{"0103_measurements", R"sql(
CREATE TABLE measurements (
  id                 INTEGER PRIMARY KEY,
  uid                TEXT NOT NULL UNIQUE,      -- deterministic, see docs/schema.md
  reading_id         INTEGER NOT NULL REFERENCES readings(id),
  device_id          INTEGER NOT NULL REFERENCES devices(id),
  person_id          INTEGER REFERENCES people(id), -- NULL while unassigned
  assigned_by        TEXT NOT NULL,             -- the rule that decided, or 'manual'
  time_us            INTEGER NOT NULL,          -- when it was measured (Unix us, UTC)
  first_heard_us     INTEGER NOT NULL,
  last_heard_us      INTEGER NOT NULL,
  weighing_key       TEXT NOT NULL,             -- what makes two frames the same weighing
  device_time        TEXT,
  device_time_utc    INTEGER NOT NULL DEFAULT 0,
  device_clock_unset INTEGER NOT NULL DEFAULT 0,
  weight_kg          REAL NOT NULL,
  impedance_ohm      REAL,
  user_slot          INTEGER,
  formula            TEXT NOT NULL,             -- body-composition formula set
  bmi REAL, fat_percent REAL, water_percent REAL, muscle_kg REAL, bone_kg REAL,
  visceral_fat REAL, bmr_kcal REAL, lean_body_mass_kg REAL, protein_percent REAL,
  metabolic_age REAL, body_type TEXT, ideal_weight_kg REAL,
  skipped            TEXT,                      -- JSON object {metric: reason}
  updated_at_us      INTEGER NOT NULL
);
CREATE INDEX measurements_by_weighing ON measurements(device_id, weighing_key);
CREATE INDEX measurements_by_person_time ON measurements(person_id, time_us);
)sql"}};

}  // namespace
}  // namespace declouder
