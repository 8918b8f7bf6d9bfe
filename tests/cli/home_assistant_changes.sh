#!/usr/bin/env bash
# What changes after a weighing went out, against a real Mosquitto:
#   - a weighing assigned later by `declouder assign` in another process (while
#     `declouder run` runs, and while it does not) or by the web page beside
#     the gateway reaches every output again
#     with its person: Home Assistant's entities of both people, Domoticz, JSON
#     lines, the lolouk44/xiaomi_mi_scale compat topic, once per assignment;
#   - a device deleted in Home Assistant's UI stays deleted: Home Assistant
#     clears each entity's retained config (an empty retained payload at QoS 0,
#     home-assistant/core homeassistant/components/mqtt/entity.py,
#     async_remove_discovery_payload), and declouder does not announce it again
#     at Home Assistant's birth or its own restart, whether it saw the deletion
#     or was away, until a new weighing brings it back.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

DB="$WORKDIR/gateway.db"
CONFIG="$WORKDIR/declouder.toml"
JSONL="$WORKDIR/out.jsonl"
cat > "$CONFIG" <<TOML
[mqtt]
compat = ["xiaomi_mi_scale"]
assign_offer_hours = 1000  # the simulated scale's clock is days old

[domoticz]
[[domoticz.sensor]]
idx = 7
metric = "weight_kg"
person = "bob"
[[domoticz.sensor]]
idx = 9
metric = "weight_kg"

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
weight_min = 55
weight_max = 70

[[person]]
name = "bob"
sex = "male"
birth_date = 1985-02-01
height_cm = 180
unit = "lb"
weight_min = 154
weight_max = 198
TOML
MQTT=(--mqtt "mqtt://127.0.0.1:$BROKER_PORT" --config "$CONFIG" --database "$DB" --gateway-id bathroom --jsonl "$JSONL")
# alice 62.4, bob 80.1 kg (176.6 lb), then 100 kg: in nobody's window.
SCALE="mi-scale-2:address=5C:CA:D3:00:00:0C,clock=2026-11-21T07:00:00,clock_step=60,frame_ms=20,weights=62.4/80.1/100,impedances=503/480/470"
S=declouder/scales/5ccad300000c
C=homeassistant/sensor

broker_start
LIVE="$WORKDIR/live.txt"  # what Home Assistant and Domoticz receive, as it happens
start_household_subscriber "$LIVE" 'domoticz/in' 'miscale/#' 'declouder/people/+/weight_kg'
sleep 0.3
retained() {
  mosquitto_sub -p "$BROKER_PORT" -t 'homeassistant/#' -t 'declouder/#' -t 'miscale/#' --retained-only -v -W 2 \
    > "$1" 2>/dev/null || true
}
now_shows() {  # TOPIC VALUE: the broker's retained value of TOPIC is VALUE
  [ "$(mosquitto_sub -p "$BROKER_PORT" -t "$1" -C 1 -W 1 2>/dev/null)" = "$2" ]
}
start_run() {  # NAME SIMULATE
  "$DECLOUDER" run --simulate "$2" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/$1.err" &
  RUN=$!
  TEST_PIDS+=($RUN)
}
stop_run() {
  kill -TERM "$RUN"
  wait_exit "$RUN" 15 || fail "the gateway did not stop"
}
domoticz_count() { grep -c "^domoticz/in {\"idx\": *$1,.*\"svalue\": *\"$2\"" "$LIVE" || true; }
domoticz_got() { [ "$(domoticz_count "$1" "$2")" = "$3" ]; }  # IDX SVALUE TIMES
retained_has() { mosquitto_sub -p "$BROKER_PORT" -t "$1" -C 1 -W 1 2>/dev/null | grep -q -- "$2"; }  # TOPIC PATTERN
jsonl_has() { grep '"weight_kg":100' "$JSONL" | grep -q "$1"; }

# --- A weighing assigned after its delivery, from another process.
"$DECLOUDER" run --simulate "$SCALE,weighings=3,interval=0.4" "${MQTT[@]}" > /dev/null 2> "$WORKDIR/run0.err" ||
  fail "run 0: $(tail -3 "$WORKDIR/run0.err")"
start_run run1 "$SCALE,weighings=0,interval=100"
wait_until 20 now_shows "$S/assign" nobody || fail "the 100 kg weighing was not offered: $(tail -3 "$WORKDIR/run1.err")"
ID=$("$DECLOUDER" assign --config "$CONFIG" --database "$DB" --json | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
wait_until 10 at_least "$JSONL" '"weight_kg":100' 1 || fail "the 100 kg weighing was not written to JSON lines"
[ "$(domoticz_count 9 100.00)" = 1 ] || fail "the sensor of anybody did not get the 100 kg once: $(grep domoticz "$LIVE")"
[ "$(domoticz_count 7 220.50)" = 0 ] || fail "bob's sensor got a weighing nobody was matched to"

"$DECLOUDER" assign --config "$CONFIG" --database "$DB" "$ID" bob > /dev/null || fail "declouder assign failed"
wait_until 10 now_shows declouder/people/bob/weight_kg 220.5 ||
  fail "bob's entity does not show the weighing assigned to him from another process: $(tail -3 "$WORKDIR/run1.err")"
wait_until 5 domoticz_got 7 220.50 1 || fail "bob's Domoticz sensor did not get 220.50 lb: $(grep domoticz "$LIVE")"
wait_until 5 retained_has miscale/bob/weight '"weight": *220.4' || fail "miscale/bob/weight does not carry the weighing assigned to bob"
wait_until 5 jsonl_has '"person":"bob"' || fail "JSON lines did not get the weighing again with bob: $(grep '"weight_kg":100' "$JSONL")"
now_shows "$S/assign" bob || fail "the scale's select does not show bob"
sleep 2  # a second look at the store (data_version) must not send it again
[ "$(domoticz_count 7 220.50)" = 1 ] || fail "bob's Domoticz sensor got the assignment $(domoticz_count 7 220.50) times"
[ "$(domoticz_count 9 100.00)" = 1 ] || fail "the sensor of anybody got the weighing again on its assignment"
[ "$(grep '"weight_kg":100' "$JSONL" | grep -c '"person":"bob"')" = 1 ] || fail "JSON lines got bob's assignment twice"

# Re-assigned to alice: hers now, and bob's entities show his own latest (176.6 lb) again.
"$DECLOUDER" assign --config "$CONFIG" --database "$DB" "$ID" alice > /dev/null || fail "declouder assign (alice) failed"
wait_until 10 now_shows declouder/people/alice/weight_kg 100 || fail "alice's entity does not show the weighing moved to her"
wait_until 5 now_shows declouder/people/bob/weight_kg 176.6 || fail "bob's entity still shows the weighing moved to alice"
wait_until 5 retained_has miscale/alice/weight '"weight": *100' ||
  fail "miscale/alice/weight does not carry the weighing moved to her"
stop_run

# Assigned while no gateway runs (as after a crash between the two): the next start sends it.
"$DECLOUDER" assign --config "$CONFIG" --database "$DB" "$ID" bob > /dev/null || fail "declouder assign (offline) failed"
printf '\n[web]\nlisten = "127.0.0.1:0"\n' >> "$CONFIG"  # from now on the web page beside the gateway
start_run run2 "$SCALE,weighings=0,interval=100"
wait_until 15 now_shows declouder/people/bob/weight_kg 220.5 || fail "an assignment made while no gateway ran did not go out at its start"
wait_until 5 domoticz_got 7 220.50 2 ||
  fail "bob's Domoticz sensor did not get his second assignment: $(grep domoticz "$LIVE")"
# The web page's assign (its own connection to the database) reaches the outputs too.
wait_until 10 grep -q "web page: http" "$WORKDIR/run2.err" || fail "run did not serve the page"
URL=$(grep -o 'web page: http[^ ]*' "$WORKDIR/run2.err" | head -1 | cut -d' ' -f3)
r=$(python3 "$(dirname "$0")/lib/http_request.py" POST "${URL}api/measurements/$ID/assign" '{"person":"alice"}')
[ "$(head -1 <<<"$r")" = 200 ] || fail "the page's assign: $r"
wait_until 10 now_shows declouder/people/alice/weight_kg 100 || fail "the page's assignment did not reach alice's entity"
wait_until 5 now_shows declouder/people/bob/weight_kg 176.6 || fail "bob's entity still shows the weighing the page moved to alice"
wait_until 5 jsonl_has '"person":"alice"' || fail "JSON lines did not get the page's assignment"
stop_run
[ "$(domoticz_count 9 100.00)" = 1 ] || fail "the sensor of anybody got the weighing more than once"
python3 - "$JSONL" <<'PY' || fail "JSON lines: not one line per (measurement, assignment)"
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1])]
seen = collections.Counter((m["uid"], m.get("person")) for m in lines)
heavy = [m.get("person") for m in lines if m["weight_kg"] == 100]
assert heavy == [None, "bob", "alice", "bob", "alice"], heavy
assert len(lines) == 7, len(lines)
PY

# --- A device deleted in Home Assistant's UI, while declouder runs.
start_run run3 "$SCALE,weighings=0,interval=100"
wait_until 15 now_shows declouder/gateways/bathroom/status online || fail "run 3 did not connect"
sleep 1
retained "$WORKDIR/before.txt"
ALICE=$(grep -o '^homeassistant/[a-z_]*/declouder_alice_[a-z_]*/config' "$WORKDIR/before.txt")
[ "$(wc -l <<<"$ALICE")" -ge 10 ] || fail "alice has no entities to delete: $ALICE"
for t in $ALICE; do mosquitto_pub -p "$BROKER_PORT" -q 0 -r -n -t "$t"; done
wait_until 10 grep -q "person:alice was deleted in Home Assistant:" "$WORKDIR/run3.err" ||
  fail "the deletion was not noticed: $(tail -3 "$WORKDIR/run3.err")"
mosquitto_pub -p "$BROKER_PORT" -t homeassistant/status -m online  # Home Assistant restarts
sleep 1.5
retained "$WORKDIR/birth.txt"
! grep -q "declouder_alice_" "$WORKDIR/birth.txt" || fail "alice's device came back at Home Assistant's birth"
grep -q "declouder_bob_weight_kg/config" "$WORKDIR/birth.txt" || fail "bob's device went with alice's"
stop_run

# The scale's device deleted while declouder is away; then declouder restarts.
SCALE_CONFIGS=$(grep -o '^homeassistant/[a-z_]*/declouder_scale_5ccad300000c[a-z_]*/config' "$WORKDIR/before.txt")
[ -n "$SCALE_CONFIGS" ] || fail "the scale has no entities to delete"
for t in $SCALE_CONFIGS; do mosquitto_pub -p "$BROKER_PORT" -q 0 -r -n -t "$t"; done
start_run run4 "$SCALE,weighings=0,interval=100"
wait_until 15 grep -q "scale:5C:CA:D3:00:00:0C was deleted in Home Assistant while declouder was away" "$WORKDIR/run4.err" ||
  fail "a deletion made while declouder was away was not noticed: $(tail -3 "$WORKDIR/run4.err")"
sleep 1
retained "$WORKDIR/restart.txt"
! grep -q "declouder_alice_\|declouder_scale_5ccad300000c" "$WORKDIR/restart.txt" ||
  fail "a deleted device came back at declouder's restart: $(grep -m2 'declouder_alice_\|declouder_scale_5ccad' "$WORKDIR/restart.txt")"
grep -q "declouder_bob_weight_kg/config" "$WORKDIR/restart.txt" || fail "bob's device is gone after the restart"
python3 "$(dirname "$0")/lib/ha_conformance.py" "$WORKDIR/restart.txt" || fail "Home Assistant would not read this right"
stop_run

# A new weighing of alice on that scale brings both back.
start_run run5 "mi-scale-2:address=5C:CA:D3:00:00:0C,clock=2026-11-24T07:00:00,frame_ms=20,weights=61.8,impedances=500,weighings=1,interval=100"
wait_until 15 now_shows declouder/people/alice/weight_kg 61.8 || fail "alice's new weighing was not published: $(tail -3 "$WORKDIR/run5.err")"
sleep 1
retained "$WORKDIR/back.txt"
grep -q "^$C/declouder_alice_weight_kg/config " "$WORKDIR/back.txt" || fail "alice's device did not come back with her new weighing"
grep -q "^$C/declouder_scale_5ccad300000c_weight_kg/config " "$WORKDIR/back.txt" || fail "the scale did not come back when it weighed again"
python3 "$(dirname "$0")/lib/ha_conformance.py" "$WORKDIR/back.txt" --require-states || fail "Home Assistant would not read this right"
wait_exit "$RUN" 20 || fail "run 5 did not finish"
pass
