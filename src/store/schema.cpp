// Every table of the database, as the explicit, ordered list of migrations that builds it:
//   01xx devices, readings, people, measurements (store/recorder.hpp)
//   02xx wearables: armband channels (store/armband_store.hpp), band activity (store/band_store.hpp)
//   03xx the gateway's outbox and per-output deliveries (gateway/outbox.hpp)
// Every column is documented in docs/schema.md. Released migrations are never edited; a
// change is a new migration at the end of the list.
#include "store/migrations.hpp"

namespace declouder {
namespace {

constexpr Migration kMigrations[] = {
    {"0100_devices", R"sql(
CREATE TABLE devices (
  id            INTEGER PRIMARY KEY,
  family_id     TEXT NOT NULL,              -- DeviceDescriptor id, e.g. 'xiaomi-mi-scale-2'
  address       TEXT NOT NULL DEFAULT '',   -- 'AA:BB:CC:DD:EE:FF', '' when unknown
  name          TEXT,                       -- advertised name, when known
  first_seen_us INTEGER NOT NULL,
  last_seen_us  INTEGER NOT NULL,
  UNIQUE (family_id, address)
);
)sql"},
    {"0101_readings", R"sql(
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
)sql"},
    {"0102_people", R"sql(
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
)sql"},
    {"0103_measurements", R"sql(
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
)sql"},
    {"0200_armband", R"sql(
CREATE TABLE armband_sessions (
  id INTEGER PRIMARY KEY,
  device_address INTEGER NOT NULL,
  model TEXT NOT NULL,
  format_version TEXT NOT NULL,
  channel TEXT NOT NULL,
  channel_id INTEGER NOT NULL,
  start_unix_s INTEGER NOT NULL,
  divisor INTEGER NOT NULL,
  sample_bits INTEGER NOT NULL,
  tick_rate INTEGER NOT NULL,
  declared_count INTEGER NOT NULL,
  stored_count INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  header_info TEXT NOT NULL,
  source TEXT NOT NULL,
  imported_unix_us INTEGER NOT NULL,
  UNIQUE (device_address, channel_id, start_unix_s)
);
CREATE TABLE armband_samples (
  session_id INTEGER NOT NULL REFERENCES armband_sessions(id) ON DELETE CASCADE,
  sample_index INTEGER NOT NULL,
  time_unix_ms INTEGER NOT NULL,
  raw INTEGER,
  PRIMARY KEY (session_id, sample_index)
) WITHOUT ROWID;
CREATE INDEX armband_samples_by_time ON armband_samples(time_unix_ms);
CREATE TABLE armband_diagnostics (
  session_id INTEGER NOT NULL REFERENCES armband_sessions(id) ON DELETE CASCADE,
  entry_index INTEGER NOT NULL,
  time_unix_s INTEGER NOT NULL,
  code_i INTEGER NOT NULL,
  code_j INTEGER NOT NULL,
  PRIMARY KEY (session_id, entry_index)
) WITHOUT ROWID;
CREATE TABLE armband_calibration (
  channel TEXT PRIMARY KEY,
  scale REAL NOT NULL,
  offset REAL NOT NULL DEFAULT 0,
  unit TEXT NOT NULL,
  source TEXT NOT NULL
);
)sql"},
    {"0201_band_activity", R"sql(
CREATE TABLE band_activity (
  address TEXT NOT NULL,
  minute_local TEXT NOT NULL,
  kind INTEGER NOT NULL,
  intensity INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  heart_rate INTEGER,
  imported_unix_us INTEGER NOT NULL,
  PRIMARY KEY (address, minute_local)
) WITHOUT ROWID;
)sql"},
    {"0300_gateway_outbox", R"sql(
CREATE TABLE gateway_outbox (
  id            INTEGER PRIMARY KEY,       -- queue order
  uid           TEXT NOT NULL UNIQUE,      -- the measurement's deterministic uid
  measurement_id INTEGER,                  -- the store's row id, when stored there
  device        TEXT NOT NULL DEFAULT '',  -- scale address (ownership key)
  person        TEXT NOT NULL DEFAULT '',  -- '' while unassigned
  body          TEXT NOT NULL,             -- the measurement as JSON
  heard_us      INTEGER NOT NULL,          -- when this gateway queued it (Unix us)
  feed_sent_us  INTEGER,                   -- own feed acknowledged by the broker
  claim         TEXT NOT NULL DEFAULT 'waiting' CHECK (claim IN ('waiting','claimed','won','lost')),
  claimed_by    TEXT NOT NULL DEFAULT '',  -- gateway whose claim came first
  delivered_us  INTEGER                    -- household messages acknowledged
);
CREATE INDEX gateway_outbox_open ON gateway_outbox(claim, delivered_us);
CREATE TABLE gateway_cursor (
  output        TEXT PRIMARY KEY,          -- 'mqtt'
  measurement_id INTEGER NOT NULL          -- last store row id queued
);
)sql"},
    // Delivery per output: 0300 knew one output, MQTT, with a column for its feed and one for its
    // household delivery. Now every output (log, JSON lines, feed, Home Assistant, Domoticz) has a
    // record per row. What 0300 delivered stays delivered; what it had pending stays pending.
    {"0301_gateway_deliveries", R"sql(
ALTER TABLE gateway_outbox ADD COLUMN model TEXT NOT NULL DEFAULT '';   -- device family id
ALTER TABLE gateway_outbox ADD COLUMN source TEXT NOT NULL DEFAULT '';  -- where it was heard
UPDATE gateway_outbox SET model = coalesce(json_extract(body, '$.model'), '');
CREATE TABLE gateway_outputs (
  output        TEXT PRIMARY KEY,          -- Output::name(): 'log', 'jsonl:-', 'feed', 'home-assistant', ...
  household     INTEGER NOT NULL,          -- 1: delivers only the rows this gateway's claim won
  added_us      INTEGER NOT NULL           -- first start that ran it; 0: carried over from 0300, unconfirmed
);
CREATE TABLE gateway_deliveries (
  output        TEXT NOT NULL,             -- gateway_outputs.output
  outbox_id     INTEGER NOT NULL REFERENCES gateway_outbox(id),
  delivered_us  INTEGER,                   -- when the output said it is safely out; NULL: pending
  PRIMARY KEY (output, outbox_id)
) WITHOUT ROWID;
CREATE INDEX gateway_deliveries_pending ON gateway_deliveries(output, outbox_id) WHERE delivered_us IS NULL;
INSERT INTO gateway_outputs(output, household, added_us)
  SELECT name, household, 0
  FROM (SELECT 'feed' AS name, 0 AS household UNION ALL SELECT 'home-assistant', 1 UNION ALL SELECT 'domoticz', 1)
  WHERE EXISTS (SELECT 1 FROM gateway_cursor WHERE output = 'mqtt');
INSERT INTO gateway_deliveries(output, outbox_id, delivered_us)
  SELECT o.output, b.id, CASE WHEN o.household THEN b.delivered_us ELSE b.feed_sent_us END
  FROM gateway_outbox b JOIN gateway_outputs o
  WHERE NOT (o.household AND b.claim = 'lost');
DROP INDEX gateway_outbox_open;
ALTER TABLE gateway_outbox DROP COLUMN feed_sent_us;
ALTER TABLE gateway_outbox DROP COLUMN delivered_us;
CREATE INDEX gateway_outbox_undecided ON gateway_outbox(id) WHERE claim IN ('waiting', 'claimed');
UPDATE gateway_cursor SET output = 'outbox' WHERE output = 'mqtt';
)sql"},
    // Dual-frequency scales (Xiaomi S400): both impedances and the vendor app's profile, as reported.
    {"0302_dual_impedance", R"sql(
ALTER TABLE readings ADD COLUMN impedance_low_ohm REAL;   -- the 50 kHz impedance
ALTER TABLE readings ADD COLUMN impedance_high_ohm REAL;  -- the 250 kHz impedance
ALTER TABLE readings ADD COLUMN profile_id INTEGER;       -- the scale's profile (Mi Home) as sent
)sql"},
    // Measurements deleted by hand (`assign` on the web page): their weighing is remembered so
    // that the same weighing heard again stays deleted (store/recorder.hpp, Recorder::remove).
    {"0303_deleted_measurements", R"sql(
CREATE TABLE deleted_measurements (
  uid           TEXT PRIMARY KEY,          -- the deleted measurement's uid
  device_id     INTEGER NOT NULL REFERENCES devices(id),
  weighing_key  TEXT NOT NULL,             -- as in measurements
  reading_id    INTEGER NOT NULL REFERENCES readings(id),
  person        TEXT,                      -- whose it was, when assigned
  time_us       INTEGER NOT NULL,
  weight_kg     REAL NOT NULL,
  last_heard_us INTEGER NOT NULL,
  deleted_us    INTEGER NOT NULL
);
CREATE INDEX deleted_measurements_by_weighing ON deleted_measurements(device_id, weighing_key);
)sql"},
    // A weighing assigned after its delivery goes to every output again with its person
    // (gateway/outbox.hpp, Outbox::reassign), and outputs keep notes across restarts (Home
    // Assistant: the devices deleted in its UI).
    {"0304_gateway_reassignments", R"sql(
ALTER TABLE gateway_outbox ADD COLUMN assignment INTEGER NOT NULL DEFAULT 0;  -- times its person changed once queued
ALTER TABLE gateway_deliveries ADD COLUMN given_person TEXT;  -- whom the output was last given it for ('' nobody); NULL: never
-- Assignments made before 0304 were never sent again; they are not sent now either (no burst
-- of old history at the upgrade): the rows take the store's person as it is.
UPDATE gateway_outbox SET person = (
    SELECT coalesce(p.name, '') FROM measurements m LEFT JOIN people p ON p.id = m.person_id
    WHERE m.id = gateway_outbox.measurement_id)
  WHERE EXISTS (SELECT 1 FROM measurements m WHERE m.id = gateway_outbox.measurement_id);
CREATE TABLE gateway_notes (
  scope         TEXT NOT NULL,             -- an output's name
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
)sql"},
    // Measurements carry what 0302 kept in readings (both impedances, the heart rate, the
    // scale's profile), so the outputs and the web page have them; people may name the profile
    // a scale knows them by. Stored measurements take their own reading's values.
    {"0305_measurement_dual_impedance", R"sql(
ALTER TABLE measurements ADD COLUMN impedance_low_ohm REAL;   -- the 50 kHz impedance
ALTER TABLE measurements ADD COLUMN impedance_high_ohm REAL;  -- the 250 kHz impedance
ALTER TABLE measurements ADD COLUMN heart_rate_bpm INTEGER;   -- measured by the scale
ALTER TABLE measurements ADD COLUMN profile_id INTEGER;       -- the scale's profile (Mi Home) as sent
ALTER TABLE people ADD COLUMN profile_id INTEGER;             -- [[person]] profile_id
UPDATE measurements SET
  impedance_low_ohm  = (SELECT r.impedance_low_ohm FROM readings r WHERE r.id = measurements.reading_id),
  impedance_high_ohm = (SELECT r.impedance_high_ohm FROM readings r WHERE r.id = measurements.reading_id),
  heart_rate_bpm     = (SELECT r.heart_rate_bpm FROM readings r WHERE r.id = measurements.reading_id),
  profile_id         = (SELECT r.profile_id FROM readings r WHERE r.id = measurements.reading_id);
)sql"},
    // What a device's conversation keeps between connections (devices/device_memory.hpp: the
    // Trisa's pairing password), by device address. Written by `read` and `run`.
    {"0306_device_memory", R"sql(
CREATE TABLE device_memory (
  address       TEXT NOT NULL,     -- AA:BB:CC:DD:EE:FF
  key           TEXT NOT NULL,     -- what the conversation calls it: trisa_password
  value         BLOB NOT NULL,
  updated_at_us INTEGER NOT NULL,
  PRIMARY KEY (address, key)
);
)sql"},
};

}  // namespace

std::span<const Migration> all_migrations() { return kMigrations; }

}  // namespace declouder
