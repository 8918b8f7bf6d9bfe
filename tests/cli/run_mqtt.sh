#!/usr/bin/env bash
# `declouder run` against a real Mosquitto broker, as Home Assistant sees it:
# discovery configs, states, and no measurement lost or doubled while the
# broker is stopped and started again mid-run and while declouder itself is
# stopped (SIGTERM) and started again on the same database.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

HA="$WORKDIR/household.txt"
DB="$WORKDIR/gateway.db"
SCALE="mi-scale-2:address=5C:CA:D3:00:00:07,clock=2026-11-21T07:00:00,clock_step=60,frame_ms=20"

broker_start
start_household_subscriber "$HA" 'declouder/scales/+/measurement' 'declouder/scales/+/weight_kg' 'homeassistant/#'
# The subscriber must be listening before anything is published.
wait_until 10 grep -q "household-$$" "$BROKER_DIR/mosquitto.log" || true
sleep 0.3

# Run 1: up to eight weighings, 1.5 s apart; the broker goes away after the first one.
"$DECLOUDER" run --simulate "$SCALE,weighings=8,interval=1.5" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" \
  --database "$DB" --gateway-id bathroom > "$WORKDIR/run1.out" 2> "$WORKDIR/run1.err" &
RUN1=$!
TEST_PIDS+=($RUN1)
wait_until 20 at_least "$HA" 'declouder/scales/5ccad3000007/measurement' 1 || fail "no measurement reached the broker: $(cat "$WORKDIR/run1.err")"
broker_stop
# While the broker is down, weighings are stored and queued.
wait_until 20 at_least "$WORKDIR/run1.err" 'measurement 5' 3 || fail "declouder stopped storing while the broker was down"
grep -q "lost" "$WORKDIR/run1.err" || fail "declouder did not notice the broker going away"
broker_start
wait_until 30 at_least "$HA" 'declouder/scales/5ccad3000007/measurement' 4 || fail "queued measurements did not go out after the broker came back"

# Stop declouder mid-run: a clean stop, exit status 0 (on a slow machine it
# may have finished its eight weighings by itself: a clean stop as well).
kill -TERM $RUN1 2>/dev/null || true
wait_exit $RUN1 15 || fail "declouder run did not exit cleanly on SIGTERM: $(tail -3 "$WORKDIR/run1.err")"
grep -q "stopped:" "$WORKDIR/run1.err" || fail "no stop message"

# Run 2 on the same database: the scale re-advertises the weighings it
# already sent (same clock, same frames) and then new ones. Only the new
# ones, and whatever run 1 had not delivered, may go out.
"$DECLOUDER" run --simulate "$SCALE,weighings=10,interval=0.3" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" \
  --database "$DB" --gateway-id bathroom > "$WORKDIR/run2.out" 2> "$WORKDIR/run2.err" &
RUN2=$!
TEST_PIDS+=($RUN2)
wait_exit $RUN2 60 || fail "run 2 (finite: 10 weighings) did not finish: $(tail -5 "$WORKDIR/run2.err")"
sleep 0.5  # let the subscriber print what the broker already sent it

python3 - "$HA" <<'PY' || fail "exactly-once check failed (see above)"
import json, sys
uids, weights, configs = [], [], {}
for line in open(sys.argv[1]):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if topic.endswith("/measurement"):
        m = json.loads(payload)
        uids.append((m["device_time"], m["uid"]))
    elif topic.startswith("homeassistant/"):
        configs[topic] = json.loads(payload)
dups = sorted({u for u in uids if uids.count(u) > 1})
if dups: sys.exit(f"delivered twice: {dups}")
if len(uids) != 10: sys.exit(f"expected 10 weighings delivered, got {len(uids)}: {uids}")
if uids != sorted(uids): sys.exit(f"not delivered in order: {uids}")
# Home Assistant discovery: the scale's weight entity, done properly.
w = configs.get("homeassistant/sensor/declouder_scale_5ccad3000007_weight_kg/config")
if not w: sys.exit("no discovery config for the scale's weight: " + ", ".join(configs))
for key, want in [("device_class", "weight"), ("state_class", "measurement"), ("unit_of_measurement", "kg"),
                  ("unique_id", "declouder_scale_5ccad3000007_weight_kg"), ("availability_mode", "any"),
                  ("state_topic", "declouder/scales/5ccad3000007/weight_kg"), ("force_update", True)]:
    if w.get(key) != want: sys.exit(f"weight config {key} = {w.get(key)!r}, expected {want!r}")
if w["availability"] != [{"topic": "declouder/gateways/bathroom/status"}]: sys.exit(f"availability {w['availability']}")
dev = w["device"]
if dev.get("via_device") != "declouder_gateway_bathroom": sys.exit(f"via_device {dev.get('via_device')}")
if ["mac", "5C:CA:D3:00:00:07"] not in dev.get("connections", []): sys.exit(f"connections {dev.get('connections')}")
if "homeassistant/binary_sensor/declouder_gateway_bathroom_status/config" not in configs: sys.exit("no gateway device")
# A Mi scale reports no battery: Home Assistant gets no battery entity for it.
if any(t.endswith("_battery/config") for t in configs): sys.exit("a battery entity for a scale without battery")
print(f"10 weighings delivered once each, in order; discovery ok")
PY

# The status topic is retained "offline" after the clean stop (the will is for crashes).
status=$(mosquitto_sub -p "$BROKER_PORT" -t declouder/gateways/bathroom/status -C 1 -W 5)
[ "$status" = "offline" ] || fail "gateway status after stop is '$status', expected offline"

# Home Assistant restarting: discovery is sent again when homeassistant/status says online.
"$DECLOUDER" run --simulate "$SCALE,weighings=1,interval=0.3" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" \
  --database "$DB" --gateway-id bathroom --stop-timeout 5 > /dev/null 2> "$WORKDIR/run3.err" &
RUN3=$!
TEST_PIDS+=($RUN3)
wait_exit $RUN3 30 || fail "run 3 did not finish"
"$DECLOUDER" run --simulate "$SCALE,weighings=0,interval=100" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" \
  --database "$DB" --gateway-id bathroom > /dev/null 2> "$WORKDIR/run4.err" &
RUN4=$!
TEST_PIDS+=($RUN4)
wait_until 10 grep -q "MQTT connected" "$WORKDIR/run4.err" || fail "run 4 did not connect"
mosquitto_pub -p "$BROKER_PORT" -t homeassistant/status -m online
wait_until 10 grep -q "Home Assistant is online" "$WORKDIR/run4.err" || fail "homeassistant/status online was ignored"
kill -TERM $RUN4
wait_exit $RUN4 15 || fail "run 4 did not stop"
pass
