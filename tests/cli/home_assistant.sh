#!/usr/bin/env bash
# Home Assistant as its users see it, against a real Mosquitto: everything
# declouder leaves retained on the broker (discovery configs, states, the
# lolouk44/xiaomi_mi_scale compat topic) read the way Home Assistant reads it
# (lib/ha_conformance.py: its discovery rules), each person's unit, values that
# come back after the broker lost them (a declouder restart, Home Assistant's
# birth message), metrics a weighing lacks shown as unknown, a person taken out
# of the config removed, a retired gateway leaving the availability lists, and
# a weighing nobody could be matched to assigned (and re-assigned) from Home
# Assistant's select on the scale.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

DB="$WORKDIR/gateway.db"
CONFIG="$WORKDIR/declouder.toml"
CHECK="$(dirname "$0")/lib/ha_conformance.py"
people() {  # the config, with or without bob
  cat <<TOML
[mqtt]
compat = ["xiaomi_mi_scale"]
assign_offer_hours = 1000  # the simulated scale's clock is days old

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
weight_min = 55
weight_max = 70
TOML
  [ "${1:-}" = "without-bob" ] || cat <<TOML

[[person]]
name = "bob"
sex = "male"
birth_date = 1985-02-01
height_cm = 180
unit = "lb"
weight_min = 154
weight_max = 198
TOML
}
people > "$CONFIG"
SCALE="mi-scale-2:address=5C:CA:D3:00:00:09,clock=2026-11-21T07:00:00,clock_step=60,frame_ms=20,weights=62.4/80.1,impedances=503/480"
MQTT=(--mqtt "mqtt://127.0.0.1:$BROKER_PORT" --config "$CONFIG" --database "$DB" --gateway-id bathroom)

# The broker's retained set, as a client that subscribes now gets it.
retained() {
  mosquitto_sub -p "$BROKER_PORT" -t 'homeassistant/#' -t 'declouder/#' -t 'miscale/#' --retained-only -v -W 2 \
    > "$1" 2>/dev/null || true
}
state() { sed -n "s|^$1 ||p" "$2"; }
conform() {  # DUMP [SUMMARY]: Home Assistant's rules over the retained set
  python3 "$CHECK" "$1" --require-states ${2:+--summary-json "$2"} || fail "Home Assistant would not read this right (see above)"
}
summary() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

broker_start

# Two weighings: alice's (62.4 kg) and bob's (80.1 kg = 176.6 lb, in his window in lb).
"$DECLOUDER" run --simulate "$SCALE,weighings=2,interval=0.5" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run1.err" ||
  fail "run 1: $(tail -3 "$WORKDIR/run1.err")"
retained "$WORKDIR/r1.txt"
conform "$WORKDIR/r1.txt" "$WORKDIR/s1.json"
C="homeassistant/sensor"
[ "$(summary "$WORKDIR/s1.json" 'd["configs"]["'$C'/declouder_bob_weight_kg/config"]["unit_of_measurement"]')" = lb ] ||
  fail "bob (unit = \"lb\") does not get a weight entity in lb"
[ "$(state declouder/people/bob/weight_kg "$WORKDIR/r1.txt")" = "176.6" ] || fail "bob's weight state is not 176.6 lb: $(grep bob/weight_kg "$WORKDIR/r1.txt")"
[ "$(state declouder/people/alice/weight_kg "$WORKDIR/r1.txt")" = "62.4" ] || fail "alice's weight is not 62.4 kg"
[ "$(summary "$WORKDIR/s1.json" 'd["configs"]["'$C'/declouder_alice_metabolic_age/config"]["unit_of_measurement"]')" = y ] ||
  fail "metabolic age is not in years (y)"
[ "$(summary "$WORKDIR/s1.json" 'd["configs"]["'$C'/declouder_scale_5ccad3000009_weight_kg/config"]["device"]["manufacturer"]')" = Xiaomi ] ||
  fail "the scale's manufacturer is not Xiaomi"
[ "$(summary "$WORKDIR/s1.json" 'd["domoticz"]["declouder_alice_fat_percent"]')" = percentage ] ||
  fail "Domoticz autodiscovery would not make the body fat a percentage"
# lolouk44/xiaomi_mi_scale's topic and keys, for the setups built on it.
compat=$(state miscale/bob/weight "$WORKDIR/r1.txt")
[ -n "$compat" ] || fail "no retained miscale/bob/weight (compat = [\"xiaomi_mi_scale\"])"
python3 - "$compat" <<'PY' || fail "miscale/bob/weight is not lolouk44's payload: $compat"
import json, sys
j = json.loads(sys.argv[1])
want = ["weight", "weight_unit", "bmi", "basal_metabolism", "visceral_fat", "lean_body_mass", "body_fat", "water",
        "bone_mass", "muscle_mass", "protein", "body_type", "metabolic_age", "impedance", "timestamp"]
assert sorted(j) == sorted(want), sorted(j)
assert j["weight_unit"] == "lbs" and abs(j["weight"] - 176.59) < 0.02, j
assert j["impedance"] == 480 and j["timestamp"].endswith("+00:00"), j
PY

# A weighing without impedance (shoes on): its fat, water, muscle... show
# unknown rather than the previous weighing's values beside the new weight.
"$DECLOUDER" record --config "$CONFIG" --database "$DB" --weight-kg 62.0 --time 2026-11-22T07:00:00Z > /dev/null
"$DECLOUDER" run --simulate "$SCALE,weighings=0,interval=100" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run2.err" &
RUN2=$!
TEST_PIDS+=($RUN2)
wait_until 15 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/alice/weight_kg -C 1 -W 1 | grep -qx 62" ||
  fail "the recorded weighing did not reach alice's entity: $(tail -3 "$WORKDIR/run2.err")"
retained "$WORKDIR/r2.txt"
conform "$WORKDIR/r2.txt"
[ "$(state declouder/people/alice/fat_percent "$WORKDIR/r2.txt")" = None ] ||
  fail "alice's fat still shows the last weighing's value: $(state declouder/people/alice/fat_percent "$WORKDIR/r2.txt")"

# Home Assistant restarts on a broker that lost the states (its birth message):
# the latest states come back from SQLite within seconds.
for t in $(grep -o '^declouder/people/alice/[a-z_]*' "$WORKDIR/r2.txt"); do mosquitto_pub -p "$BROKER_PORT" -r -n -t "$t"; done
mosquitto_pub -p "$BROKER_PORT" -t homeassistant/status -m online
wait_until 10 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/alice/weight_kg -C 1 -W 1 | grep -qx 62" ||
  fail "after the birth message alice's weight did not come back: $(tail -3 "$WORKDIR/run2.err")"
retained "$WORKDIR/r3.txt"
conform "$WORKDIR/r3.txt"

# A retired gateway (its retained status cleared) leaves every availability list.
mosquitto_pub -p "$BROKER_PORT" -r -t declouder/gateways/attic/status -m offline
wait_until 10 bash -c "mosquitto_sub -p $BROKER_PORT -t $C/declouder_alice_weight_kg/config -C 1 -W 1 | grep -q attic" ||
  fail "another gateway's status did not join the availability list"
mosquitto_pub -p "$BROKER_PORT" -r -n -t declouder/gateways/attic/status
wait_until 10 bash -c "! mosquitto_sub -p $BROKER_PORT -t $C/declouder_alice_weight_kg/config -C 1 -W 1 | grep -q attic" ||
  fail "a retired gateway stays in the availability list"
kill -TERM $RUN2
wait_exit $RUN2 15 || fail "run 2 did not stop"

# declouder restarts on a broker that lost everything (no persistence, say).
broker_stop
rm -f "$BROKER_DIR"/mosquitto.db
broker_start
"$DECLOUDER" run --simulate "$SCALE,weighings=0,interval=100" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run3.err" &
RUN3=$!
TEST_PIDS+=($RUN3)
wait_until 15 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/bob/weight_kg -C 1 -W 1 | grep -qx 176.6" ||
  fail "after a restart bob's weight did not come back from SQLite: $(tail -3 "$WORKDIR/run3.err")"
sleep 0.5
retained "$WORKDIR/r4.txt"
conform "$WORKDIR/r4.txt"
[ "$(state declouder/scales/5ccad3000009/weight_kg "$WORKDIR/r4.txt")" = "80.1" ] || fail "the scale's last weight (bob's) did not come back"
kill -TERM $RUN3
wait_exit $RUN3 15 || fail "run 3 did not stop"

# 100 kg is in nobody's window: the scale's "Weighing for" select offers it (the
# second weighing, a minute later, keeps the gateway running meanwhile).
"$DECLOUDER" run --simulate "mi-scale-2:address=5C:CA:D3:00:00:09,clock=2026-11-23T07:00:00,frame_ms=20,weights=100,impedances=470,weighings=2,interval=60" \
  "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run5.err" &
RUN5=$!
TEST_PIDS+=($RUN5)
A=declouder/scales/5ccad3000009/assign
wait_until 20 bash -c "mosquitto_sub -p $BROKER_PORT -t $A -C 1 -W 1 | grep -qx nobody" ||
  fail "the unassigned weighing is not offered: $(tail -3 "$WORKDIR/run5.err")"
retained "$WORKDIR/r6.txt"
conform "$WORKDIR/r6.txt" "$WORKDIR/s6.json"
[ "$(summary "$WORKDIR/s6.json" 'd["configs"]["homeassistant/select/declouder_scale_5ccad3000009_assign/config"]["options"]')" = "['nobody', 'alice', 'bob']" ] ||
  fail "the select does not offer nobody, alice and bob"
mosquitto_pub -p "$BROKER_PORT" -t "$A/set" -m bob
wait_until 10 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/bob/weight_kg -C 1 -W 1 | grep -qx 220.5" ||
  fail "choosing bob did not show his 220.5 lb: $(tail -3 "$WORKDIR/run5.err")"
"$DECLOUDER" history --config "$CONFIG" --database "$DB" --person bob | grep -q "220.46 lb" || fail "the choice is not in SQLite"
[ -z "$("$DECLOUDER" assign --config "$CONFIG" --database "$DB" --json)" ] || fail "still listed as unassigned"
# Re-assigned to alice: it moves, and bob's entities show his own latest weighing again.
mosquitto_pub -p "$BROKER_PORT" -t "$A/set" -m alice
wait_until 10 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/alice/weight_kg -C 1 -W 1 | grep -qx 100" ||
  fail "re-assigning to alice did not show it on her entities: $(tail -3 "$WORKDIR/run5.err")"
wait_until 10 bash -c "mosquitto_sub -p $BROKER_PORT -t declouder/people/bob/weight_kg -C 1 -W 1 | grep -qx 176.6" ||
  fail "bob's entities still show the weighing moved to alice"
[ "$(mosquitto_sub -p "$BROKER_PORT" -t $A -C 1 -W 2)" = alice ] || fail "the select does not show alice"
retained "$WORKDIR/r7.txt"
conform "$WORKDIR/r7.txt"
kill -TERM $RUN5
wait_exit $RUN5 15 || fail "run 5 did not stop"

# bob taken out of the config: his device goes (empty retained configs and states).
people without-bob > "$CONFIG"
"$DECLOUDER" run --simulate "$SCALE,weighings=0,interval=100" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run4.err" &
RUN4=$!
TEST_PIDS+=($RUN4)
wait_until 15 grep -q "bob is no longer in the config" "$WORKDIR/run4.err" || fail "bob's removal was not announced"
sleep 1
retained "$WORKDIR/r5.txt"
! grep -q "declouder_bob_\|declouder/people/bob/" "$WORKDIR/r5.txt" || fail "bob's entities are still on the broker: $(grep -m3 bob "$WORKDIR/r5.txt")"
grep -q "declouder_alice_weight_kg/config" "$WORKDIR/r5.txt" || fail "alice's entities went with bob's"
conform "$WORKDIR/r5.txt"
kill -TERM $RUN4
wait_exit $RUN4 15 || fail "run 4 did not stop"

# config/demo.toml: the guest's window is in her unit (lb), so the demo's second weighing is hers.
"$DECLOUDER" record --config "$SOURCE_DIR/config/demo.toml" --database "$WORKDIR/demo.db" --weight-kg 58.2 |
  grep_all "guest (weight window)" || fail "config/demo.toml's guest does not get the demo's 58.2 kg"
pass
