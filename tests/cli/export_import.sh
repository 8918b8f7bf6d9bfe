#!/usr/bin/env bash
# Files people take anywhere: the FIT export read back by Garmin's own FIT SDK (npm
# @garmin/fitsdk, with its integrity check) and compared value by value with the database;
# openScale CSV through export and import (both ways, 3.x and 2.x columns, twice without
# doubling); the measurement CSV and JSON; --person, --from, --to; private files.
source "$(dirname "$0")/lib/common.sh"
NODE_DIR="$SOURCE_DIR/tests/npm"
cat > "$WORKDIR/config.toml" <<TOML
[database]
path = "$WORKDIR/d.db"

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165

[[person]]
name = "bob"
sex = "male"
birth_date = 1985-01-01
height_cm = 180
unit = "lb"
TOML
C=(--config "$WORKDIR/config.toml")
for d in 01 02 03 04 05 06; do
  "$DECLOUDER" record "${C[@]}" --weight-kg "6$((10#$d % 10)).4" --impedance-ohm "5$d" --time "2025-03-${d}T06:30:00Z" --person alice >/dev/null
  "$DECLOUDER" record "${C[@]}" --weight-kg "9$((10#$d % 10)).1" --time "2025-03-${d}T07:00:00Z" --person bob >/dev/null
done
"$DECLOUDER" record "${C[@]}" --weight-kg 30 --time 2025-03-07T07:00:00Z >/dev/null  # nobody's

# --- FIT, read by Garmin's decoder ---
"$DECLOUDER" export "${C[@]}" --format fit --person alice --output "$WORKDIR/alice.fit" 2>/dev/null
[ "$(stat -c %a "$WORKDIR/alice.fit")" = 600 ] || fail "the FIT file is not private"
"$DECLOUDER" history "${C[@]}" --person alice --json > "$WORKDIR/alice.jsonl"
if [ -f "$NODE_DIR/node_modules/@garmin/fitsdk/package.json" ] && command -v node >/dev/null; then
  node "$NODE_DIR/fit_decode.mjs" "$WORKDIR/alice.fit" > "$WORKDIR/fit.json" || fail "Garmin's decoder failed"
  python3 - "$WORKDIR/fit.json" "$WORKDIR/alice.jsonl" <<'PY' || fail "FIT values differ from the database"
import json, sys
from datetime import datetime
fit = json.load(open(sys.argv[1]))
db = [json.loads(l) for l in open(sys.argv[2])]
assert fit["is_fit"] and fit["integrity"], fit
assert not fit["errors"], fit["errors"]
assert fit["file_id"]["type"] == "weight", fit["file_id"]
ws = fit["weight_scale"]
assert len(ws) == len(db) == 6, (len(ws), len(db))
FIT_EPOCH = 631065600
for f, m in zip(ws, db):
    t = datetime.fromisoformat(m["time"].replace("Z", "+00:00")).timestamp()
    assert f["timestamp"] + FIT_EPOCH == t, (f["timestamp"], m["time"])
    def near(a, b, tol, what):
        assert abs(a - b) <= tol, (what, a, b)
    near(f["weight"], m["weight_kg"], 0.005, "weight")
    near(f["percentFat"], m["fat_percent"], 0.005, "fat")
    near(f["percentHydration"], m["water_percent"], 0.005, "water")
    near(f["boneMass"], m["bone_kg"], 0.005, "bone")
    near(f["muscleMass"], m["muscle_kg"], 0.005, "muscle")
    near(f["basalMet"], m["bmr_kcal"], 0.125, "bmr")
    near(f["bmi"], m["bmi"], 0.0501, "bmi")  # 0.1 resolution
    assert f["metabolicAge"] == round(m["metabolic_age"]), f
    assert f["visceralFatRating"] == round(m["visceral_fat"]), f
PY
else
  echo "note [$TEST_NAME]: Garmin's FIT SDK not installed (scripts/setup.sh: npm ci in tests/npm): FIT decode check skipped" >&2
fi
expect_stderr_contains "give --person" "$DECLOUDER" export "${C[@]}" --format fit
expect_stderr_contains "no person named 'carol'" "$DECLOUDER" export "${C[@]}" --format fit --person carol

# --- openScale CSV: out, into a fresh database, out again: the same file ---
"$DECLOUDER" export "${C[@]}" --format openscale-csv --person alice > "$WORKDIR/os.csv"
[ "$(head -1 "$WORKDIR/os.csv")" = "DATE,TIME,BMI,BMR,BODY_FAT,BONE,LBM,MUSCLE,VISCERAL_FAT,WATER,WEIGHT" ] || fail "header: $(head -1 "$WORKDIR/os.csv")"
[ "$(wc -l < "$WORKDIR/os.csv")" = 7 ] || fail "6 rows expected"
sed "s|$WORKDIR/d.db|$WORKDIR/fresh.db|" "$WORKDIR/config.toml" > "$WORKDIR/fresh.toml"
F=(--config "$WORKDIR/fresh.toml")
out=$("$DECLOUDER" import "${F[@]}" --format openscale-csv "$WORKDIR/os.csv" --person alice)
[[ "$out" == *"6 weighings imported for alice, 0 already stored"* ]] || fail "import: $out"
out=$("$DECLOUDER" import "${F[@]}" --format openscale-csv "$WORKDIR/os.csv" --person alice)
[[ "$out" == *"0 weighings imported for alice, 6 already stored"* ]] || fail "second import: $out"
[ "$("$DECLOUDER" history "${F[@]}" --person alice --json | wc -l)" = 6 ] || fail "imported twice"
"$DECLOUDER" export "${F[@]}" --format openscale-csv --person alice > "$WORKDIR/os2.csv"
cmp -s "$WORKDIR/os.csv" "$WORKDIR/os2.csv" || fail "round trip differs: $(diff "$WORKDIR/os.csv" "$WORKDIR/os2.csv")"
# The times are the phone's local time: the file written in Berlin is the same instants.
TZ=Europe/Berlin "$DECLOUDER" export "${C[@]}" --format openscale-csv --person alice | sed -n 2p | grep_all '^2025-03-01,07:30:00,' \
  || fail "local time: $(TZ=Europe/Berlin "$DECLOUDER" export "${C[@]}" --format openscale-csv --person alice | sed -n 2p)"

# openScale 2.x columns, with a line without weight and one with a broken date.
cat > "$WORKDIR/v2.csv" <<'CSV'
"dateTime","weight","fat","water","muscle","lbm","bone","waist","hip","comment"
"2019-06-01 08:15","88.3","24.1","55.2","40.5","0.0","3.1","0.0","0.0",""
"2019-06-02 08:20","88.0","0.0","0.0","0.0","0.0","0.0","0.0","0.0","no fat"
"2019-06-03 08:20","","","","","","","","",""
"2019-13-03 08:20","87.0","","","","","","","",""
CSV
out=$("$DECLOUDER" import "${F[@]}" --format openscale-csv "$WORKDIR/v2.csv" --person bob 2>"$WORKDIR/err")
[[ "$out" == *"2 weighings imported for bob, 0 already stored, 2 lines skipped (openScale 2.x columns)"* ]] || fail "2.x: $out"
grep_all "line 4: no weight" "$WORKDIR/err" || fail "skipped line not named: $(cat "$WORKDIR/err")"
j=$("$DECLOUDER" history "${F[@]}" --person bob --json | head -1)
expect_json "$j" "time" '"2019-06-01T08:15:00Z"'
expect_json "$j" "weight_kg" '88.3'
expect_json "$j" "fat_percent" '24.1'
expect_json "$j" "muscle_kg" '35.76'   # 40.5 % of 88.3 kg
expect_json "$j" "bone_kg" '3.1'
expect_stderr_contains "not an openScale CSV" "$DECLOUDER" import "${F[@]}" --format openscale-csv "$WORKDIR/alice.jsonl" --person bob
expect_status 2 "$DECLOUDER" import "${F[@]}" --format openscale-csv "$WORKDIR/v2.csv"
expect_status 2 "$DECLOUDER" import "${F[@]}" --format garmin "$WORKDIR/v2.csv" --person bob

# --- CSV and JSON of the measurements, with --from and --to (a date includes its day) ---
csv=$("$DECLOUDER" export "${C[@]}" --format csv --from 2025-03-02 --to 2025-03-03)
[ "$(echo "$csv" | wc -l)" = 5 ] || fail "--from/--to: $csv"
echo "$csv" | head -1 | grep_all '^id,uid,person,measured_at,model,address,weight_kg,weight,unit,impedance_ohm,bmi,fat_percent' || fail "csv header"
echo "$csv" | grep_all ',bob,2025-03-02T07:00:00Z,manual,,92.100,203.05,lb,' || fail "bob's row in lb: $csv"
json=$("$DECLOUDER" export "${C[@]}" --format json)
python3 -c 'import json,sys; a=json.loads(sys.argv[1]); assert len(a)==13 and a[-1]["person"] is None, a[-1]' "$json" || fail "json export"
expect_status 2 "$DECLOUDER" export "${C[@]}" --format fit --person alice --channel EE
expect_status 2 "$DECLOUDER" export "${C[@]}" --format xml
pass
