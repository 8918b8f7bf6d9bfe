#!/usr/bin/env bash
# `declouder simulate`: the device list, argument errors, and what it serves on the bus.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"

list=$("$DECLOUDER" simulate --list)
for d in mi-scale mi-scale-2 picooc-mini crenot-gofit-s2 sig-scale; do
  grep -q "^$d " <<<"$list" || fail "simulate --list does not name $d: $list"
done

expect_status 2 "$DECLOUDER" simulate
expect_stderr_contains "unknown device 'bathroom-scale'" "$DECLOUDER" simulate bathroom-scale
expect_stderr_contains "--weight" "$DECLOUDER" simulate mi-scale-2 --weight -3
expect_stderr_contains "--backend" "$DECLOUDER" simulate mi-scale-2 --backend radio
expect_stderr_contains "one device per adapter" "$DECLOUDER" simulate mi-scale-2 picooc-mini --backend bluez

start_bus
start_sim mi-scale-2 --weight 72.35 --impedance 480
grep -q '^simulating mi-scale-2 "MIBFS" C8:47:8C:5A:00:02' "$WORKDIR/sim.out" || fail "ready line: $(cat "$WORKDIR/sim.out")"
# It serves org.bluez like bluetoothd: an adapter at /org/bluez/hci0 (checked with dbus-send).
dbus-send --system --print-reply --dest=org.bluez /org/bluez/hci0 org.freedesktop.DBus.Properties.Get \
  string:org.bluez.Adapter1 string:Address | grep_all '00:AA:01:00:00:00' || fail "no adapter on the bus"
# A second org.bluez on the same bus is refused with the reason.
expect_status 1 "$DECLOUDER" simulate mi-scale --seconds 1
expect_stderr_contains "is a real bluetoothd running on it" "$DECLOUDER" simulate mi-scale --seconds 1
# Through a bluetoothd that is not there: a clear error.
bus_cleanup
start_bus
expect_stderr_contains "cannot advertise through bluetoothd" "$DECLOUDER" simulate mi-scale-2 --backend bluez --seconds 1

# declouder scan hears it, and the Mi Scale 2 driver claims it.
start_sim mi-scale-2 --weight 72.35 --impedance 480
"$DECLOUDER" scan --seconds 1 --json | grep_all '"driver":"xiaomi-mi-scale-2"' || fail "scan did not see the simulator"
pass
