#!/usr/bin/env bash
# `declouder run` on its real sources: the BlueZ client (against `declouder
# simulate`, which plays org.bluez on a private system bus) and a replayed
# capture file, through the same pipeline into SQLite and JSON lines.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"
DATA="$SOURCE_DIR/tests/data/captures"

# --- BlueZ: a Mi Scale 2 weighing heard over D-Bus, stored once, complete.
start_bus
start_sim mi-scale-2 --weight 81.1 --impedance 512
"$DECLOUDER" run --adapter hci0 --database "$WORKDIR/bluez.db" --jsonl "$WORKDIR/bluez.jsonl" \
  > /dev/null 2> "$WORKDIR/bluez.err" &
RUN=$!
for _ in $(seq 300); do
  [ -s "$WORKDIR/bluez.jsonl" ] && break
  kill -0 $RUN 2>/dev/null || fail "run exited: $(cat "$WORKDIR/bluez.err")"
  sleep 0.05
done
kill -TERM $RUN
rc=0; wait $RUN || rc=$?
[ "$rc" = 0 ] || fail "run did not stop cleanly (status $rc): $(cat "$WORKDIR/bluez.err")"
line=$(head -1 "$WORKDIR/bluez.jsonl")
[ -n "$line" ] || fail "no measurement over BlueZ: $(cat "$WORKDIR/bluez.err")"
expect_json "$line" '.weight_kg' '81.1'
expect_json "$line" '.impedance_ohm' '512'
expect_json "$line" '.address' '"C8:47:8C:5A:00:02"'
expect_json "$line" '.source' '"bluez"'
grep -q "listening: Bluetooth LE via BlueZ on hci0" "$WORKDIR/bluez.err" || fail "no listening line: $(cat "$WORKDIR/bluez.err")"
"$DECLOUDER" history --database "$WORKDIR/bluez.db" | grep_all "81.10 kg" || fail "not in the database"

# --- BlueZ unusable: one line, exit status 1 (systemd restarts the service).
bus_cleanup
start_bus system-deny-bluez.conf
rc=0
"$DECLOUDER" run --adapter hci0 --database "$WORKDIR/deny.db" > /dev/null 2> "$WORKDIR/deny.err" || rc=$?
[ "$rc" = 1 ] || fail "BlueZ unusable: exit status $rc, expected 1: $(cat "$WORKDIR/deny.err")"

# --- deploy/declouder-bluez.conf: on a bus that denies org.bluez to everybody
# (as Debian does outside the bluetooth group), the service's policy file is
# what lets its user in. Here its user is the one running the test.
bus_cleanup
sed "s/user=\"declouder\"/user=\"$(id -un)\"/" "$SOURCE_DIR/deploy/declouder-bluez.conf" > "$WORKDIR/declouder-bluez.conf"
mkdir -p "$WORKDIR/dbus"
sed "s|</busconfig>|  <includedir>$WORKDIR/dbus</includedir>\n</busconfig>|" \
  "$SOURCE_DIR/tests/data/dbus/system-deny-bluez.conf" > "$WORKDIR/dbus/../with-policy.conf"
cp "$WORKDIR/declouder-bluez.conf" "$WORKDIR/dbus/"
rm -f "$WORKDIR/bus"
dbus-daemon --config-file="$WORKDIR/with-policy.conf" --address="unix:path=$WORKDIR/bus" --nofork --nopidfile \
  > "$WORKDIR/dbus.log" 2>&1 &
BUS_PID=$!
for _ in $(seq 100); do [ -S "$WORKDIR/bus" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$WORKDIR/bus"
start_sim mi-scale-2 --weight 66.6 --impedance 470
"$DECLOUDER" run --adapter hci0 --database "$WORKDIR/policy.db" --jsonl "$WORKDIR/policy.jsonl" \
  > /dev/null 2> "$WORKDIR/policy.err" &
RUN=$!
for _ in $(seq 300); do
  [ -s "$WORKDIR/policy.jsonl" ] && break
  kill -0 $RUN 2>/dev/null || fail "with the policy, run exited: $(cat "$WORKDIR/policy.err")"
  sleep 0.05
done
kill -TERM $RUN; wait $RUN || true
expect_json "$(head -1 "$WORKDIR/policy.jsonl")" '.weight_kg' '66.6'
# Without the file, the same bus refuses: exit status 1 and the reason.
rm "$WORKDIR/dbus/declouder-bluez.conf"
kill -HUP $BUS_PID  # dbus-daemon reloads its policy
sleep 0.3
rc=0
"$DECLOUDER" run --adapter hci0 --database "$WORKDIR/policy2.db" > /dev/null 2> "$WORKDIR/nopolicy.err" || rc=$?
[ "$rc" = 1 ] || fail "without the policy: exit status $rc, expected 1: $(cat "$WORKDIR/nopolicy.err")"
grep -q "not allowed to talk to org.bluez" "$WORKDIR/nopolicy.err" || fail "no reason given: $(cat "$WORKDIR/nopolicy.err")"

# --- A capture replayed through the same pipeline: the Picooc session's weighings.
"$DECLOUDER" run --replay "$DATA/picooc_session.btsnoop-h4" --database "$WORKDIR/replay.db" --jsonl - \
  > "$WORKDIR/replay.jsonl" 2> "$WORKDIR/replay.err" || fail "replay failed: $(cat "$WORKDIR/replay.err")"
[ -s "$WORKDIR/replay.jsonl" ] || fail "the replay stored nothing: $(cat "$WORKDIR/replay.err")"
expect_json "$(head -1 "$WORKDIR/replay.jsonl")" '.weight_kg' '72.45'
expect_json "$(head -1 "$WORKDIR/replay.jsonl")" '.source' "\"replay:$DATA/picooc_session.btsnoop-h4\""
grep -q "replayed .* records" "$WORKDIR/replay.err" || fail "no replay summary"
# Replaying it again: the same weighings, already stored: nothing new.
"$DECLOUDER" run --replay "$DATA/picooc_session.btsnoop-h4" --database "$WORKDIR/replay.db" --jsonl - \
  > "$WORKDIR/replay2.jsonl" 2>/dev/null
[ ! -s "$WORKDIR/replay2.jsonl" ] || fail "a replayed capture was stored twice: $(cat "$WORKDIR/replay2.jsonl")"
expect_status 1 "$DECLOUDER" run --replay "$WORKDIR/nope.btsnoop" --database "$WORKDIR/replay.db"
pass
