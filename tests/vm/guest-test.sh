#!/bin/sh
# Runs inside the VM: `declouder simulate --backend bluez` plays a device on hci0 through the
# real bluetoothd (LEAdvertisingManager1 + GattManager1), and declouder scans and reads it
# from hci1, over the radio link btvirt emulates. Exit status 0 = every check passed.
D=/opt/declouder
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "DECLOUDER-VM: $(up)s $*"; }
PERIPHERAL=00:AA:01:00:00:00   # btvirt's hci0
failures=0
# declouder.tests=a,b on the kernel command line runs only those (run.sh: VM_TESTS=a,b).
ONLY=$(sed -n 's/.*declouder\.tests=\([^ ]*\).*/\1/p' /proc/cmdline)
want() { [ -z "$ONLY" ] || echo ",$ONLY," | grep -q ",$1,"; }
check() {  # check NAME FILE GREP-PATTERN
  if grep -q "$3" "$2"; then say "PASS $1"; return; fi
  say "FAIL $1"; cat "$2"; failures=$((failures + 1))
  echo "links: $(hcitool con 2>&1 | tr '\n' ' ')"
  for i in 0 1; do echo "hci$i: $(btmgmt --index $i info 2>&1 | grep -i 'current settings')"; done
  echo "simulator: $(cat /tmp/sim.err)"
}
simulate() {  # simulate ARGS...: starts the simulator on hci0, waits until it advertises
  $D/declouder simulate --backend bluez --adapter hci0 "$@" > /tmp/sim.out 2> /tmp/sim.err &
  SIM=$!
  limit=$(( $(cut -d. -f1 /proc/uptime) + 30 ))
  until grep -q '^simulating' /tmp/sim.out || [ "$(cut -d. -f1 /proc/uptime)" -ge $limit ] || ! kill -0 $SIM 2>/dev/null; do
    sleep 0.1
  done
  grep -q '^simulating' /tmp/sim.out || { say "FAIL simulate $*: $(cat /tmp/sim.err)"; failures=$((failures + 1)); }
  say "simulating $1 on hci0"
}
no_link() { ! hcitool con 2>/dev/null | grep -q 'LE '; }
stop_simulator() {
  kill $SIM 2>/dev/null; wait $SIM 2>/dev/null
  # The next device may only advertise once the last link is really down on both sides.
  limit=$(( $(cut -d. -f1 /proc/uptime) + 15 ))
  until no_link || [ "$(cut -d. -f1 /proc/uptime)" -ge $limit ]; do sleep 0.2; done
  no_link || say "a link is still up: $(hcitool con 2>&1 | tr '\n' ' ')"
  echo "DEBUG connections: $(hcitool con 2>&1 | tr '\n' ' ')"
  # hci1's bluetoothd remembers the last device at this address: forget it.
  gdbus call --system --dest org.bluez --object-path /org/bluez/hci1 --method org.bluez.Adapter1.RemoveDevice \
    /org/bluez/hci1/dev_$(echo $PERIPHERAL | tr : _) > /dev/null 2>&1
}

# 1. An advertising scale: Mi Body Composition Scale 2, service data 0x181B.
if want mi-scale-2; then
simulate mi-scale-2 --weight 72.35 --impedance 480
$D/declouder scan --adapter hci1 --seconds 4 --json > /tmp/scan.json 2> /tmp/scan.err
cat /tmp/scan.json
check "scan: mi-scale-2 seen on hci1, claimed by its driver" /tmp/scan.json \
  "\"address\":\"$PERIPHERAL\",\"name\":\"MIBFS\",\"rssi\":[-0-9]*,\"supported\":true,\"driver\":\"xiaomi-mi-scale-2\""
stop_simulator
fi

# 2. Picooc Mini: write without response on FFF2, indication on FFF1.
if want picooc-mini; then
simulate picooc-mini --weight 81.1 --impedance 538
$D/declouder read --adapter hci1 --address $PERIPHERAL --json > /tmp/read.json 2> /tmp/read.err
cat /tmp/read.json /tmp/read.err
check "read: picooc-mini over GATT gives 81.1 kg, 538 ohm" /tmp/read.json \
  '"model":"picooc-mini","address":"00:AA:01:00:00:00","weight_kg":81.1,"impedance_ohm":538'
stop_simulator
fi

# 3. Crenot GoFit S2 (ICOMON): notifications on FFB2, indications on FFB3, no writes.
if want crenot-gofit-s2; then
simulate crenot-gofit-s2 --weight 80.25 --impedance 512
$D/declouder read --adapter hci1 --address $PERIPHERAL --json > /tmp/read.json 2> /tmp/read.err
cat /tmp/read.json /tmp/read.err
check "read: crenot-gofit-s2 over GATT gives 80.25 kg, 512 ohm" /tmp/read.json \
  '"weight_kg":80.25,"impedance_ohm":512'
stop_simulator
fi

# 4. Mi Smart Scale v1 history: write with response, notifications with split records.
if want mi-scale; then
simulate mi-scale --weight 70
$D/declouder read --adapter hci1 --address $PERIPHERAL --json > /tmp/read.json 2> /tmp/read.err
cat /tmp/read.json /tmp/read.err
check "read: mi-scale history over GATT gives the stored weighings" /tmp/read.json '"weight_kg":70.6'
stop_simulator
fi

say "guest tests done, $failures failed"
[ $failures = 0 ]
