#!/usr/bin/env bash
# Sets everything up and starts the gateway: declouder run.
#
#   scripts/run.sh                     on a machine with a Bluetooth adapter: listens to the
#                                      scales in range with the default (or no) configuration
#   scripts/run.sh --config FILE ...   any `declouder run` options (see `build/declouder run --help`)
#
# With no arguments on a machine without a Bluetooth adapter (a fresh test machine),
# it shows the whole path instead, loudly labelled as simulated: a simulated Mi Body
# Composition Scale 2 (heard in its adverts) and a simulated Picooc Mini (asked over GATT)
# -> the people "demo" and "guest" (config/demo.toml) -> body composition -> SQLite
# (build/demo/declouder.db) -> a private MQTT broker on loopback (only its one user may
# read it: scripts/demo-broker.sh), with Home Assistant discovery, that you can watch
# with the mosquitto_sub line it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh

has_adapter() { [ -n "$(ls -A /sys/class/bluetooth 2>/dev/null)" ]; }

if [ $# -gt 0 ] || has_adapter; then
  exec build/declouder run "$@"
fi

# The broker carries health data: loopback only, one user with a fresh random password, no
# anonymous clients, every file 0600 in a 0700 directory (scripts/demo-broker.sh).
port=$(scripts/demo-broker.sh build/demo)
mosquitto -c build/demo/mosquitto.conf > build/demo/mosquitto.log 2>&1 &
broker=$!
trap 'kill "$broker" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

cat <<MSG
== No Bluetooth adapter here: showing the whole path with SIMULATED scales
   (a Mi Body Composition Scale 2 that broadcasts, a Picooc Mini that must be asked).
   people:   "demo" and "guest" (config/demo.toml)
   database: build/demo/declouder.db   (then: build/declouder history --database build/demo/declouder.db)
   MQTT:     a private broker on 127.0.0.1:$port (user demo, password in build/demo/mqtt-password);
             watch it in another terminal with (its options, password included, are in
             build/demo/mosquitto_sub, so the password never shows in ps)
             XDG_CONFIG_HOME=build/demo mosquitto_sub -t '#' -v
   Stop with Ctrl-C.
MSG
DECLOUDER_MQTT_PASSWORD=$(cat build/demo/mqtt-password) \
build/declouder run --config config/demo.toml --database build/demo/declouder.db \
  --mqtt "mqtt://demo@127.0.0.1:$port" --simulate mi-scale-2 --simulate picooc-mini:weight=78.4,impedance=512 &
gateway=$!
trap 'kill -INT "$gateway" 2>/dev/null; wait "$gateway" 2>/dev/null; kill "$broker" 2>/dev/null || true' EXIT INT TERM
wait "$gateway"
