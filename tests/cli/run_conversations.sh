#!/usr/bin/env bash
# `declouder run` talks to the scales that must be asked, by itself: a Picooc Mini,
# a Crenot GoFit S2 (ICOMON) and a Bluetooth SIG standard scale, each weighing
# stored once and handed to Home Assistant over a real Mosquitto broker, first
# through the real BlueZ client (against `declouder simulate` playing org.bluez
# on a private system bus), then with the in-process simulators. With two
# gateways on one broker only the device's owner talks to it, until the owner
# goes away; a standard scale gets the configured user slot's consent code.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"
source "$(dirname "$0")/lib/broker.sh"
trap 'bus_cleanup; cleanup_processes' EXIT

PICOOC=D0:49:00:5A:00:03
CRENOT=CF:E5:10:5A:00:04
SIG=00:09:1F:5A:00:05
slug() { echo "$1" | tr -d ':' | tr 'A-F' 'a-f'; }

broker_start
HA="$WORKDIR/household.txt"
start_household_subscriber "$HA" 'declouder/scales/+/measurement' 'homeassistant/sensor/#' 'declouder/scales/+/battery'
wait_until 10 grep -q "household-$$" "$BROKER_DIR/mosquitto.log" || true
sleep 0.3

# --- Over BlueZ: the three scales on one simulated adapter.
start_bus
start_sim picooc-mini crenot-gofit-s2 sig-scale --weight 81.1 --impedance 538
"$DECLOUDER" run --adapter hci0 --database "$WORKDIR/bluez.db" --jsonl "$WORKDIR/bluez.jsonl" \
  --mqtt "mqtt://127.0.0.1:$BROKER_PORT" --gateway-id hall > /dev/null 2> "$WORKDIR/bluez.err" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 60 at_least "$WORKDIR/bluez.jsonl" '"weight_kg"' 3 ||
  fail "not every scale was talked to: $(cat "$WORKDIR/bluez.err")"
for dev in "$PICOOC" "$CRENOT" "$SIG"; do
  grep -q "talking to .*$dev" "$WORKDIR/bluez.err" || fail "no conversation with $dev: $(cat "$WORKDIR/bluez.err")"
  wait_until 10 at_least "$HA" "declouder/scales/$(slug $dev)/measurement" 1 ||
    fail "the measurement of $dev did not reach the broker: $(tail -5 "$WORKDIR/bluez.err")"
done
# The scales keep advertising after they answered: each weighing is asked for once.
sleep 3
[ "$(count_lines "$WORKDIR/bluez.jsonl" '"weight_kg"')" = 3 ] || fail "a scale was asked twice: $(cat "$WORKDIR/bluez.jsonl")"
for dev in "$PICOOC" "$CRENOT" "$SIG"; do
  line=$(grep "\"address\":\"$dev\"" "$WORKDIR/bluez.jsonl") || fail "no measurement from $dev"
  expect_json "$line" '.weight_kg' '81.1'
  expect_json "$line" '.source' '"bluez"'
done
expect_json "$(grep "\"address\":\"$PICOOC\"" "$WORKDIR/bluez.jsonl")" '.impedance_ohm' '538'
# The standard scale's battery (0x2A19) reaches Home Assistant as the scale's battery entity.
wait_until 10 grep -q "homeassistant/sensor/declouder_scale_$(slug $SIG)_battery/config" "$HA" ||
  fail "no battery entity for the standard scale"
grep -q "declouder/scales/$(slug $SIG)/battery" "$HA" || fail "no battery state for the standard scale"
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop cleanly: $(tail -3 "$WORKDIR/bluez.err")"
"$DECLOUDER" history --database "$WORKDIR/bluez.db" | grep_all "81.10 kg" || fail "not in the database"
bus_cleanup

# --- The in-process simulators hold the same conversations (`run --simulate`), and
# two gateways share one scale: the stronger one owns it and only the owner talks.
"$DECLOUDER" run --simulate "picooc-mini:weight=64.3,impedance=501,rssi=-50,address=D0:49:00:5A:00:33" \
  --database "$WORKDIR/bathroom.db" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" --gateway-id bathroom \
  > /dev/null 2> "$WORKDIR/bathroom.err" &
BATHROOM=$!
TEST_PIDS+=($BATHROOM)
wait_until 20 grep -q "conversation done, 1 reading" "$WORKDIR/bathroom.err" ||
  fail "the bathroom gateway did not talk to its simulated Picooc: $(cat "$WORKDIR/bathroom.err")"
"$DECLOUDER" run --simulate "picooc-mini:weight=64.3,impedance=501,rssi=-85,address=D0:49:00:5A:00:33" \
  --database "$WORKDIR/hall.db" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" --gateway-id hall \
  > /dev/null 2> "$WORKDIR/hall.err" &
HALL=$!
TEST_PIDS+=($HALL)
wait_until 10 grep -q "MQTT connected" "$WORKDIR/hall.err" || fail "the hall gateway did not connect"
sleep 3  # the hall hears the scale all along, more weakly than the owner
grep -q "talking to" "$WORKDIR/hall.err" && fail "the hall gateway talked to a scale the bathroom owns: $(cat "$WORKDIR/hall.err")"
wait_until 10 at_least "$HA" "declouder/scales/d049005a0033/measurement" 1 || fail "the bathroom's weighing was not delivered"
# The owner goes away (its status turns offline): the hall takes the scale over and talks.
kill -TERM $BATHROOM
wait_exit $BATHROOM 15 || fail "the bathroom gateway did not stop"
wait_until 20 grep -q "conversation done, 1 reading" "$WORKDIR/hall.err" ||
  fail "the hall gateway did not take over: $(cat "$WORKDIR/hall.err")"
kill -TERM $HALL
wait_exit $HALL 15 || fail "the hall gateway did not stop"

# --- A standard scale gives its weighings only to a consented user slot: the
# configured code is the one sent, and a wrong one is said, not silently lost.
printf '[gateway]\nstandard_scale_user = 1\nstandard_scale_consent = 1234\n' > "$WORKDIR/consent.toml"
"$DECLOUDER" run --config "$WORKDIR/consent.toml" --simulate sig-scale --database "$WORKDIR/consent.db" \
  --jsonl "$WORKDIR/consent.jsonl" > /dev/null 2> "$WORKDIR/consent.err" &
CONSENT=$!
TEST_PIDS+=($CONSENT)
wait_until 20 grep -q "conversation failed: .*200205" "$WORKDIR/consent.err" ||
  fail "a refused consent was not reported: $(cat "$WORKDIR/consent.err")"
kill -TERM $CONSENT
wait_exit $CONSENT 15 || fail "the consent gateway did not stop"
[ ! -s "$WORKDIR/consent.jsonl" ] || fail "a weighing without consent: $(cat "$WORKDIR/consent.jsonl")"
pass
