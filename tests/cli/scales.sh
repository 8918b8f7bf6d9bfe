#!/usr/bin/env bash
# The GATT scales that used to only decode (QN/Renpho, Yunmai, 1byone, Excelvan, Medisana, the
# legacy MGB/Lefu), the Beurer standard family, the Trisa Body Analyze (paired once, its
# password kept in the database between connections and between `read` and `run`) and the Omron
# HBF-702T (paired once, its key kept; its stored records read once), the Huawei AH100 (binds
# the person's slot, AES), the Renpho R-MSC04 (the ES-CS20M's service, its own commands), the
# Dr. Trust SSW532 (a session id, the person's height and age written, segmental impedances) and
# the Taylor BIA (0xFFB0, grams), the Hoffen BS-8107 (the person and the unit written, its
# checksum in a second notification) and the Weight Gurus 0376 (paired once like the Trisa, the
# person registered in their slot, the weighings it queued handed over) weigh through
# `declouder read` and
# `declouder run` as a user would: against `declouder simulate` playing org.bluez on a private
# system bus, then with the in-process simulators. Every weighing is stored once, with the
# person's data written to the scales that need it (config file: one person, in pounds).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"
source "$(dirname "$0")/lib/broker.sh"
trap 'bus_cleanup; cleanup_processes' EXIT

QN=FF:04:00:5A:16:01
YUNMAI=D8:E7:2B:5A:16:02
ONEBYONE=C0:26:DA:5A:16:03
EXCELVAN=C4:BE:84:5A:16:04
MEDISANA=00:1C:05:5A:16:05
MGB=03:B3:EC:5A:16:06
BEURER=D8:0B:CB:5A:16:07
TRISA=E6:79:32:AB:BA:80
OMRON=28:FF:B2:4C:70:1E
HUAWEI=5C:CA:D3:08:7B:4F
MSC04=C4:2A:C4:04:00:01
DRTRUST=A4:C1:38:53:20:11
TAYLOR=A4:C1:38:5A:16:21
HOFFEN=C8:B2:1E:81:07:01
WGURUS=CB:A0:80:F1:53:B2

cat >"$WORKDIR/home.toml" <<'EOF'
[[person]]
name = "sam"
sex = "female"
birth_date = 1988-04-02
height_cm = 168
unit = "lb"
scale_user = 2
EOF

# --- Every one of them is a GATT device that `read` and `run` talk to, with a simulator.
"$DECLOUDER" devices --json >"$WORKDIR/devices.json" || fail "devices --json failed"
python3 - "$WORKDIR/devices.json" <<'EOF' || fail "a GATT scale without a conversation or a simulator"
import json, sys
doc = json.load(open(sys.argv[1]))
devices = doc if isinstance(doc, list) else doc["devices"]
want = {"qn-scale", "yunmai", "1byone", "excelvan-cf36x", "medisana-bs44x", "mgb", "beurer-sanitas-standard",
        "trisa-body-analyze", "omron-wlc", "huawei-ah100", "renpho-r-msc04", "drtrust-ssw532", "taylor-bia",
        "hoffen-bs8107", "weight-gurus-a3"}
seen = {d["id"]: d for d in devices if d["id"] in want}
assert set(seen) == want, set(want) - set(seen)
for d in seen.values():
    assert d["link"] == "gatt" and d["converses"] is True and d["simulator"], d
EOF

# --- `read` over BlueZ, one scale at a time.
start_bus
start_sim qn-scale yunmai 1byone excelvan-cf36x medisana-bs444 mgb beurer-bf600 trisa-body-analyze omron-hbf-702t \
  huawei-ah100 renpho-r-msc04 drtrust-ssw532 taylor-bia hoffen-bs8107 weight-gurus-0376 --weight 81.1 --impedance 538
read_one() {  # ADDRESS -> the JSON lines of `read --json`
  "$DECLOUDER" read --address "$1" --config "$WORKDIR/home.toml" --json 2>"$WORKDIR/read.err" ||
    fail "read $1: $(cat "$WORKDIR/read.err")"
}
out=$(read_one $QN)
expect_json "$out" '.model' '"qn-scale"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.stabilized' 'true'
grep -q 'step on the scale' "$WORKDIR/read.err" || fail "qn: the person was not told to step on"

out=$(read_one $MSC04)  # shares the ES-CS20M's service: its name takes it to its own conversation
expect_json "$out" '.model' '"renpho-r-msc04"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.stabilized' 'true'

out=$(read_one $YUNMAI)
expect_json "$out" '.model' '"yunmai"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.user_slot' '2'  # the scale weighed the user the conversation set: sam's slot

all=$(read_one $ONEBYONE)
[ "$(printf '%s\n' "$all" | wc -l)" -eq 2 ] || fail "1byone: expected the stored weighing and the live one: $all"
expect_json "$(printf '%s\n' "$all" | head -1)" '.weight_kg' '80.5'
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.weight_kg' '81.1'
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.impedance_ohm' '538'
# The stored weighing was cleared on the scale: a second read has only the live one.
[ "$(read_one $ONEBYONE | wc -l)" -eq 1 ] || fail "1byone: the scale's history was not cleared"

out=$(read_one $EXCELVAN)
expect_json "$out" '.model' '"excelvan-cf36x"'
expect_json "$out" '.unit' '"lb"'  # the scale was told sam's unit and answered in it
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if abs(d["weight_kg"]-81.1) < 0.05 else 1)' "$out" ||
  fail "excelvan: $out"

out=$(read_one $MEDISANA)
expect_json "$out" '.model' '"medisana-bs44x"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.user_slot' '1'

out=$(read_one $MGB)
expect_json "$out" '.model' '"mgb"'
expect_json "$out" '.unit' '"lb"'
expect_json "$out" '.impedance_ohm' '538'

# The SSW532 weighs once it has sam's profile; its impedance is the foot-to-foot path of its segments.
out=$(read_one $DRTRUST)
expect_json "$out" '.model' '"drtrust-ssw532"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.stabilized' 'true'
grep -q 'step on the scale' "$WORKDIR/read.err" || fail "drtrust: the person was not told to step on"

out=$(read_one $TAYLOR)  # not the MGB family's, though it serves 0xFFB0 too
expect_json "$out" '.model' '"taylor-bia"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.unit' '"lb"'
expect_json "$out" '.stabilized' 'true'

# The Hoffen weighs once told sam and pounds: it counts tenths of a pound, and computes its own fat.
out=$(read_one $HOFFEN)
expect_json "$out" '.model' '"hoffen-bs8107"'
expect_json "$out" '.unit' '"lb"'
expect_json "$out" '.stabilized' 'true'
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if abs(d["weight_kg"]-81.1) < 0.05 and d.get("fat_percent", 0) > 0 else 1)' "$out" ||
  fail "hoffen: $out"

# (the standard scale gives its weighings to a consented user slot: the simulator has user 1)
all=$("$DECLOUDER" read --address $BEURER --user-index 1 --json 2>"$WORKDIR/read.err") ||
  fail "read $BEURER: $(cat "$WORKDIR/read.err")"
out=$(printf '%s\n' "$all" | head -1)
expect_json "$out" '.model' '"beurer-sanitas-standard"'
expect_json "$out" '.weight_kg' '81.1'

# The Trisa starts in pairing mode: the first read pairs (its password goes into the database)
# and weighs; the second is answered with the kept password; a database without it cannot
# answer the scale and says how to pair. (bluez.db: `run` below uses the same password.)
read_trisa() {  # DATABASE -> the JSON lines of `read --json`
  "$DECLOUDER" read --address $TRISA --config "$WORKDIR/home.toml" --database "$1" --json 2>"$WORKDIR/read.err"
}
out=$(read_trisa "$WORKDIR/bluez.db") || fail "read $TRISA (pairing): $(cat "$WORKDIR/read.err")"
expect_json "$out" '.model' '"trisa-body-analyze"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.stabilized' 'true'
grep -q 'paired' "$WORKDIR/read.err" || fail "trisa: the first read did not say it paired: $(cat "$WORKDIR/read.err")"
[ "$(stat -c %a "$WORKDIR/bluez.db")" = 600 ] || fail "the database holding the password is not private"
out=$(read_trisa "$WORKDIR/bluez.db") || fail "read $TRISA with the kept password: $(cat "$WORKDIR/read.err")"
expect_json "$out" '.weight_kg' '81.1'
! grep -q 'paired' "$WORKDIR/read.err" || fail "trisa: the second read paired again: $(cat "$WORKDIR/read.err")"
if read_trisa "$WORKDIR/elsewhere.db" >/dev/null; then fail "trisa: read without the password gave a reading"; fi
grep -q 'pairing mode' "$WORKDIR/read.err" || fail "trisa: no word of pairing mode: $(cat "$WORKDIR/read.err")"

# The Omron keeps each of its four users' weighings: the first read pairs (its key goes into
# the database) and takes sam's (user 2's) two stored records, oldest first; the second has
# nothing new and says so; a database without the key cannot unlock the paired scale.
read_omron() {  # DATABASE -> the JSON lines of `read --json`
  "$DECLOUDER" read --address $OMRON --config "$WORKDIR/home.toml" --database "$1" --json 2>"$WORKDIR/read.err"
}
all=$(read_omron "$WORKDIR/omron.db") || fail "read $OMRON (pairing): $(cat "$WORKDIR/read.err")"
[ "$(printf '%s\n' "$all" | wc -l)" -eq 2 ] || fail "omron: expected user 2's two stored records: $all"
expect_json "$(printf '%s\n' "$all" | head -1)" '.weight_kg' '81.9'  # user 2's of yesterday
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.model' '"omron-wlc"'
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.weight_kg' '81.1'
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.user_slot' '2'
grep -q 'paired' "$WORKDIR/read.err" || fail "omron: the first read did not say it paired: $(cat "$WORKDIR/read.err")"
[ "$(stat -c %a "$WORKDIR/omron.db")" = 600 ] || fail "the database holding the Omron's key is not private"
if read_omron "$WORKDIR/omron.db" >/dev/null; then fail "omron: the second read took the same records again"; fi
grep -q 'none is new' "$WORKDIR/read.err" || fail "omron: the second read did not unlock or said no word: $(cat "$WORKDIR/read.err")"
if read_omron "$WORKDIR/elsewhere.db" >/dev/null; then fail "omron: read without the key gave a reading"; fi
grep -q 'must be paired' "$WORKDIR/read.err" || fail "omron: no word of pairing: $(cat "$WORKDIR/read.err")"

# The AH100 knows no user yet: the first read binds sam's slot 2 and weighs her (her unit, her
# slot, the scale's own body fat); the second authenticates at once.
read_huawei() {  # -> the JSON lines of `read --json`
  "$DECLOUDER" read --address $HUAWEI --config "$WORKDIR/home.toml" --database "$WORKDIR/bluez.db" --json 2>"$WORKDIR/read.err"
}
out=$(read_huawei) || fail "read $HUAWEI: $(cat "$WORKDIR/read.err")"
expect_json "$out" '.model' '"huawei-ah100"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.user_slot' '2'
expect_json "$out" '.unit' '"lb"'
python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]).get("fat_percent", 0) > 0 else 1)' "$out" ||
  fail "huawei: no body fat of the scale's: $out"
grep -q 'bound user 2' "$WORKDIR/read.err" || fail "huawei: the first read did not bind: $(cat "$WORKDIR/read.err")"
out=$(read_huawei) || fail "read $HUAWEI again: $(cat "$WORKDIR/read.err")"
expect_json "$out" '.weight_kg' '81.1'
! grep -q 'bound' "$WORKDIR/read.err" || fail "huawei: the second read bound again: $(cat "$WORKDIR/read.err")"

# The Weight Gurus waits to be paired: the first read pairs (password kept, sam registered in her
# slot 2 with her profile and unit) and takes the weighing she just made and the one it queued
# yesterday, newest first, with the scale's own body composition; the second answers the scale
# with the kept password and has only the new weighing; without the password, it says to pair.
read_wgurus() {  # DATABASE -> the JSON lines of `read --json`
  "$DECLOUDER" read --address $WGURUS --config "$WORKDIR/home.toml" --database "$1" --json 2>"$WORKDIR/read.err"
}
all=$(read_wgurus "$WORKDIR/bluez.db") || fail "read $WGURUS (pairing): $(cat "$WORKDIR/read.err")"
[ "$(printf '%s\n' "$all" | wc -l)" -eq 2 ] || fail "wgurus: expected the new weighing and the queued one: $all"
out=$(printf '%s\n' "$all" | head -1)
expect_json "$out" '.model' '"weight-gurus-a3"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.user_slot' '2'
expect_json "$out" '.unit' '"lb"'
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d.get("fat_percent", 0) > 0 and d.get("bone_kg", 0) > 0 else 1)' "$out" ||
  fail "wgurus: no body composition of the scale's: $out"
expect_json "$(printf '%s\n' "$all" | sed -n 2p)" '.weight_kg' '81.7'
grep -q 'paired' "$WORKDIR/read.err" || fail "wgurus: the first read did not say it paired: $(cat "$WORKDIR/read.err")"
all=$(read_wgurus "$WORKDIR/bluez.db") || fail "read $WGURUS with the kept password: $(cat "$WORKDIR/read.err")"
[ "$(printf '%s\n' "$all" | wc -l)" -eq 1 ] || fail "wgurus: the queued weighing came twice: $all"
expect_json "$all" '.weight_kg' '81.1'
! grep -q 'paired' "$WORKDIR/read.err" || fail "wgurus: the second read paired again: $(cat "$WORKDIR/read.err")"
if read_wgurus "$WORKDIR/elsewhere.db" >/dev/null; then fail "wgurus: read without the password gave a reading"; fi
grep -q 'pairing mode' "$WORKDIR/read.err" || fail "wgurus: no word of pairing mode: $(cat "$WORKDIR/read.err")"

# --- `run` over BlueZ talks to all of them by itself, each weighing stored once.
"$DECLOUDER" run --adapter hci0 --config "$WORKDIR/home.toml" --database "$WORKDIR/bluez.db" \
  --jsonl "$WORKDIR/bluez.jsonl" --gateway-id hall >/dev/null 2>"$WORKDIR/bluez.err" &
RUN=$!
TEST_PIDS+=($RUN)
for dev in $QN $YUNMAI $ONEBYONE $EXCELVAN $MEDISANA $MGB $BEURER $TRISA $HUAWEI $MSC04 $DRTRUST $TAYLOR $HOFFEN $WGURUS; do
  wait_until 90 grep -q "\"address\":\"$dev\".*\"weight_kg\"" "$WORKDIR/bluez.jsonl" ||
    fail "run did not weigh $dev: $(grep -i "$dev" "$WORKDIR/bluez.err" | tail -5)"
done
sleep 3  # they keep advertising: each weighing is asked for once
for dev in $QN $YUNMAI $EXCELVAN $MEDISANA $MGB $TRISA $HUAWEI $MSC04 $DRTRUST $TAYLOR $HOFFEN $WGURUS; do
  [ "$(grep -c "\"address\":\"$dev\".*\"weight_kg\"" "$WORKDIR/bluez.jsonl")" = 1 ] ||
    fail "$dev was weighed more than once: $(grep "$dev" "$WORKDIR/bluez.jsonl")"
done
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop cleanly: $(tail -3 "$WORKDIR/bluez.err")"
"$DECLOUDER" history --database "$WORKDIR/bluez.db" --config "$WORKDIR/home.toml" --json >"$WORKDIR/history.json" ||
  fail "history failed"
# (one each: the 1byone's and the Weight Gurus' stored weighings were already read, and cleared,
# by `read` above)
[ "$(wc -l <"$WORKDIR/history.json")" -eq 14 ] || fail "not every weighing was stored once: $(cat "$WORKDIR/history.json")"
# The Yunmai weighed the user its conversation set, sam's slot 2: the weighing is hers.
[ "$(json_line_where "$WORKDIR/history.json" address "\"$YUNMAI\"" | python3 -c 'import json,sys; print(json.load(sys.stdin)["person"])')" = sam ] ||
  fail "the Yunmai weighing is not sam's: $(cat "$WORKDIR/history.json")"
bus_cleanup

# --- The in-process simulators hold the same conversations (`run --simulate`).
weighed() {  # FILE KG: FILE holds a measurement of KG (within 0.05: some scales weigh in pounds)
  python3 -c '
import json, sys
try:
    lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
except FileNotFoundError:
    sys.exit(1)
sys.exit(0 if any(abs((json.loads(l).get("weight_kg") or 0) - float(sys.argv[2])) < 0.05 for l in lines) else 1)
' "$1" "$2"
}
SIMS=(qn-scale yunmai 1byone excelvan-cf36x medisana-bs444 mgb beurer-bf600 trisa-body-analyze omron-hbf-702t huawei-ah100
  renpho-r-msc04 drtrust-ssw532 taylor-bia hoffen-bs8107 weight-gurus-0376)
declare -A GATEWAY
for sim in "${SIMS[@]}"; do  # side by side: each gateway has its own simulator and database
  "$DECLOUDER" run --simulate "$sim:weight=64.3,impedance=501" --config "$WORKDIR/home.toml" \
    --database "$WORKDIR/$sim.db" --jsonl "$WORKDIR/$sim.jsonl" >/dev/null 2>"$WORKDIR/$sim.err" &
  GATEWAY[$sim]=$!
  TEST_PIDS+=($!)
done
for sim in "${SIMS[@]}"; do
  wait_until 30 weighed "$WORKDIR/$sim.jsonl" 64.3 || fail "run --simulate $sim: $(cat "$WORKDIR/$sim.err" "$WORKDIR/$sim.jsonl")"
done
for sim in "${SIMS[@]}"; do
  kill -TERM "${GATEWAY[$sim]}"
  wait_exit "${GATEWAY[$sim]}" 15 || fail "run --simulate $sim did not stop"
done

# A Weight Gurus handing over the same backlog again (a new scale process with the same queue, as
# after a delivery cut short): its queued weighing (64.9 kg) is stored once, each new one (64.3) kept.
"$DECLOUDER" run --simulate "weight-gurus-0376:weight=64.3,impedance=501" --config "$WORKDIR/home.toml" \
  --database "$WORKDIR/weight-gurus-0376.db" --jsonl "$WORKDIR/wgurus-again.jsonl" >/dev/null 2>"$WORKDIR/wgurus-again.err" &
AGAIN=$!
TEST_PIDS+=($AGAIN)
wait_until 30 weighed "$WORKDIR/wgurus-again.jsonl" 64.3 || fail "run --simulate weight-gurus-0376 again: $(cat "$WORKDIR/wgurus-again.err")"
kill -TERM $AGAIN
wait_exit $AGAIN 15 || fail "run --simulate weight-gurus-0376 did not stop"
"$DECLOUDER" history --database "$WORKDIR/weight-gurus-0376.db" --config "$WORKDIR/home.toml" --json >"$WORKDIR/wgurus-history.json" ||
  fail "history of the Weight Gurus failed"
python3 - "$WORKDIR/wgurus-history.json" <<'EOF' || fail "wgurus: the replayed backlog: $(cat "$WORKDIR/wgurus-history.json")"
import json, sys
kg = sorted(round(json.loads(l)["weight_kg"], 1) for l in open(sys.argv[1]) if l.strip())
assert kg == [64.3, 64.3, 64.9], kg
EOF
pass
