#!/usr/bin/env bash
# A morning's weighings go in with `declouder record` (real Mi scale frames, a
# manual entry in pounds), come out with `declouder history`: stored once
# although repeated, assigned, shown in each person's unit.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=   # never touch the real home
CONFIG="$WORKDIR/config.toml"
DB="$WORKDIR/data/declouder.db"
cat > "$CONFIG" <<TOML
[database]
path = "data/declouder.db"   # relative to this file

[[person]]
name = "bob"
sex = "male"
birth_date = 1992-01-01
height_cm = 180
weight_min = 65
weight_max = 80

[[person]]
name = "carol"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
unit = "lb"
weight_min = 110
weight_max = 130
TOML
MAC=C8:47:8C:00:00:01
FINAL=181b=0226e607020e10293af7019a38     # 72.45 kg, 503 ohm, stabilized, 2022-02-14 16:41:58
SETTLING=181b=0206e607020e10293af7019038  # not stabilized yet
REMOVED=181b=02a6e607020e10293af7019a38   # the same weighing after stepping off

rec() { "$DECLOUDER" record --config "$CONFIG" --address "$MAC" --json "$@"; }
out=$(rec --service-data "$SETTLING" --time 2022-02-14T15:41:50Z)
expect_json "$out" '.result' '"reading only"'
expect_json "$out" '.note' '"not stabilized"'
out=$(rec --service-data "$FINAL" --time 2022-02-14T15:41:58Z)
expect_json "$out" '.result' '"new"'
expect_json "$out" '.measurement.person' '"bob"'
expect_json "$out" '.measurement.impedance_ohm' '503'
uid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["measurement"]["uid"])' "$out")
# The scale re-advertises the frame; every invocation is a fresh process (a "restart").
for i in 1 2 3; do
  out=$(rec --service-data "$FINAL" --time "2022-02-14T15:4$((i+2)):00Z")
  expect_json "$out" '.result' '"repeat"'
done
out=$(rec --service-data "$REMOVED" --time 2022-02-14T15:50:00Z)
expect_json "$out" '.result' '"repeat"'
# Carol types in her doctor's scale in pounds.
out=$("$DECLOUDER" record --config "$CONFIG" --weight 121.5 --unit lb --time 2022-02-14T18:00:00Z --json)
expect_json "$out" '.measurement.person' '"carol"'
expect_json "$out" '.measurement.weight' '121.5'
expect_json "$out" '.measurement.unit' '"lb"'

[ -f "$DB" ] || fail "the database is not where [database] path says: $DB"

# history: one line per measurement, each in its person's unit.
lines=$("$DECLOUDER" history --config "$CONFIG" --json)
[ "$(echo "$lines" | wc -l)" = 2 ] || fail "expected 2 measurements, got: $lines"
first=$(echo "$lines" | sed -n 1p)
second=$(echo "$lines" | sed -n 2p)
expect_json "$first" '.uid' "\"$uid\""
expect_json "$first" '.person' '"bob"'
expect_json "$first" '.weight_kg' '72.45'
expect_json "$first" '.unit' '"kg"'
expect_json "$first" '.device_time' '"2022-02-14T16:41:58"'
expect_json "$first" '.model' '"xiaomi-mi-scale-2"'
expect_json "$first" '.address' "\"$MAC\""
expect_json "$first" '.body_type' "$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])["body_type"]))' "$("$DECLOUDER" body --sex male --age 30 --height-cm 180 --weight-kg 72.45 --impedance-ohm 503 --json)")"
expect_json "$second" '.person' '"carol"'
expect_json "$second" '.weight' '121.5'
expect_json "$second" '.weight_kg' '55.111'
expect_json "$second" '.unit' '"lb"'

out=$("$DECLOUDER" history --config "$CONFIG" --person carol --json)
expect_json "$out" '.person' '"carol"'
[ "$(echo "$out" | wc -l)" = 1 ] || fail "--person carol lists more than carol"
[ -z "$("$DECLOUDER" history --config "$CONFIG" --from 2022-02-15 --json)" ] || fail "--from does not filter"
"$DECLOUDER" history --config "$CONFIG" | grep_all "121.50 lb" || fail "the table does not show carol's pounds"
# --database overrides the config; an empty database lists nothing.
"$DECLOUDER" history --config "$CONFIG" --database "$WORKDIR/other.db" | grep_all "no measurements" || fail "--database ignored"

# Nothing dropped: every distinct frame is a reading with its bytes; repeats only counted.
python3 - "$DB" <<'PY' || fail "readings table is not what was heard"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT hex(raw), repeat_count, stabilized FROM readings ORDER BY id").fetchall()
raws = [r[0].lower() for r in rows]
assert raws[:3] == ["0206e607020e10293af7019038", "0226e607020e10293af7019a38", "02a6e607020e10293af7019a38"], raws
assert rows[1][1] == 3, rows   # the final frame heard 4 times: one row, 3 repeats
assert db.execute("SELECT count(*) FROM measurements").fetchone()[0] == 2
assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
PY

# Mistakes.
expect_status 1 "$DECLOUDER" history --config "$CONFIG" --person nobody
expect_stderr_contains "no person named 'nobody'" "$DECLOUDER" history --config "$CONFIG" --person nobody
expect_status 2 "$DECLOUDER" history --config "$CONFIG" --from yesterday
printf '[[person]]\nname = "x"\nsex = "male"\nbirth_date = 1990-01-01\nheight_cm = 1800\n' > "$WORKDIR/bad.toml"
expect_status 1 "$DECLOUDER" history --config "$WORKDIR/bad.toml"
expect_stderr_contains "bad.toml:5: person 'x': height_cm = 1800 is outside 50..250" "$DECLOUDER" history --config "$WORKDIR/bad.toml"
expect_stderr_contains "cannot read the config file" "$DECLOUDER" history --config "$WORKDIR/missing.toml"
pass
