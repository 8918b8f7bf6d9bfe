#!/usr/bin/env bash
# `declouder scan` against `declouder simulate` on a private system bus, as a user runs them.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"

start_bus
start_sim mi-scale-2 picooc-mini crenot-gofit-s2 mi-scale sig-scale --weight 81.1

"$DECLOUDER" scan --seconds 2 --json >"$WORKDIR/scan.json" 2>"$WORKDIR/scan.err" || fail "scan failed: $(cat "$WORKDIR/scan.err")"
[ "$(wc -l <"$WORKDIR/scan.json")" = 5 ] || fail "expected 5 devices: $(cat "$WORKDIR/scan.json")"
mi=$(json_line_where "$WORKDIR/scan.json" address '"C8:47:8C:5A:00:02"')
expect_json "$mi" '.name' '"MIBFS"'
expect_json "$mi" '.supported' 'true'
expect_json "$mi" '.driver' '"xiaomi-mi-scale-2"'
python3 -c 'import json,sys; r=json.loads(sys.argv[1])["rssi"]; sys.exit(0 if isinstance(r,int) and -100<r<0 else 1)' "$mi" \
  || fail "rssi is not a dBm value: $mi"
for name in PICOOC-CQ "Crenot Gofit S2" MI_SCALE SIG-Scale; do
  line=$(json_line_where "$WORKDIR/scan.json" name "\"$name\"")
  [ -n "$line" ] || fail "$name not seen: $(cat "$WORKDIR/scan.json")"
  # supported and driver agree: a driver name exactly when supported.
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["supported"]==(d["driver"] is not None) and set(d)=={"address","name","rssi","supported","driver"} else 1)' "$line" \
    || fail "inconsistent keys: $line"
done

# Text output: one line per device with the driver or "not supported".
"$DECLOUDER" scan --seconds 1 >"$WORKDIR/scan.txt" 2>/dev/null
grep -q 'C8:47:8C:5A:00:02 .*MIBFS .*xiaomi-mi-scale-2' "$WORKDIR/scan.txt" || fail "text scan: $(cat "$WORKDIR/scan.txt")"

# Two adapters (the VM has two): pick one by name or address.
start_bus
start_sim mi-scale-2 --adapter hci0 --adapter hci1
"$DECLOUDER" scan --seconds 1 --json --adapter hci1 | grep_all '"MIBFS"' || fail "scan on hci1 saw nothing"
"$DECLOUDER" scan --seconds 1 --json --adapter 00:AA:01:01:00:01 | grep_all '"MIBFS"' || fail "scan by adapter address saw nothing"
expect_status 1 "$DECLOUDER" scan --seconds 1 --adapter hci7
expect_stderr_contains "no Bluetooth adapter 'hci7': there is hci0" "$DECLOUDER" scan --seconds 1 --adapter hci7

# A busy adapter (InProgress) is retried with back-off.
start_bus
start_sim mi-scale-2 --busy-discovery 2
"$DECLOUDER" scan --seconds 3 --json >"$WORKDIR/busy.json" 2>"$WORKDIR/busy.err" || fail "busy scan failed: $(cat "$WORKDIR/busy.err")"
grep -q 'org.bluez.Error.InProgress, retrying' "$WORKDIR/busy.err" || fail "no retry logged: $(cat "$WORKDIR/busy.err")"
grep -q '"MIBFS"' "$WORKDIR/busy.json" || fail "nothing seen after the retries"

# bluetoothd restarting mid-scan: discovery resumes by itself.
start_bus
start_sim mi-scale-2 --restart-after 1 --restart-gap 1
"$DECLOUDER" scan --seconds 4 --json >"$WORKDIR/restart.json" 2>"$WORKDIR/restart.err" || fail "scan across a restart failed: $(cat "$WORKDIR/restart.err")"
grep -q 'bluetoothd went away' "$WORKDIR/restart.err" || fail "restart not noticed: $(cat "$WORKDIR/restart.err")"
grep -q 'discovery resumed' "$WORKDIR/restart.err" || fail "discovery did not resume: $(cat "$WORKDIR/restart.err")"

# A scanner gone silent is restarted by the watchdog.
start_bus
start_sim picooc-mini --silent-after 0.5
"$DECLOUDER" scan --seconds 4 --watchdog 1 >/dev/null 2>"$WORKDIR/silent.err" || fail "silent scan failed"
grep -q 'no advertisement for 1 s: restarting discovery on hci0' "$WORKDIR/silent.err" || fail "watchdog did not fire: $(cat "$WORKDIR/silent.err")"

# Errors a person can act on: one line each, exit status 1.
bus_cleanup
start_bus
out=$("$DECLOUDER" scan --seconds 1 2>&1 >/dev/null || true)
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "not one line: $out"
[[ "$out" == *"bluetoothd is not running"*"systemctl start bluetooth"* ]] || fail "no bluetoothd: $out"
expect_status 1 "$DECLOUDER" scan --seconds 1
start_sim --adapter none mi-scale-2
expect_stderr_contains "no Bluetooth adapter: bluetoothd is running but has none" "$DECLOUDER" scan --seconds 1
start_bus system-deny-bluez.conf
start_sim mi-scale-2
expect_stderr_contains "not allowed to talk to org.bluez on the D-Bus system bus: add this user to the 'bluetooth' group" \
  "$DECLOUDER" scan --seconds 1
bus_cleanup
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORKDIR/no-such-bus expect_stderr_contains "cannot connect to the D-Bus system bus" \
  "$DECLOUDER" scan --seconds 1

# Mistakes on the command line: exit 2.
expect_status 2 "$DECLOUDER" scan --seconds -1
expect_stderr_contains "--seconds" "$DECLOUDER" scan --seconds abc
"$DECLOUDER" scan --help | grep_all -- "--watchdog" || fail "scan --help does not explain --watchdog"
pass
