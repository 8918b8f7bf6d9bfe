#!/bin/sh
# Runs inside the VM: four `declouder simulate --backend bluez` play a bathroom's worth of
# devices through the real bluetoothd (LEAdvertisingManager1 + GattManager1), each on its own
# virtual controller, and declouder scans, reads and runs the gateway on hci4, over the radio
# links btvirt emulates. Exit status 0 = every check passed.
D=/opt/declouder
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "DECLOUDER-VM: $(up)s $*"; }
failures=0
check() {  # check NAME FILE GREP-PATTERN
  if grep -q "$3" "$2"; then say "PASS $1"; return; fi
  say "FAIL $1"; cat "$2"; failures=$((failures + 1))
  echo "links: $(hcitool con 2>&1 | tr '\n' ' ')"
  for f in /tmp/sim-*.err; do echo "$f: $(cat "$f")"; done
}
# simulate N DEVICE ARGS...: plays DEVICE on hciN (btvirt's hciN is 00:AA:01:0N:00:0N).
simulate() {
  n=$1; shift
  $D/declouder simulate --backend bluez --adapter hci$n "$@" > /tmp/sim-$n.out 2> /tmp/sim-$n.err &
  echo $! > /tmp/sim-$n.pid
}
ready() { for n in 0 1 2 3; do grep -q '^simulating' /tmp/sim-$n.out || return 1; done; }

simulate 0 mi-scale-2 --weight 72.35 --impedance 480
simulate 1 picooc-mini --weight 81.1 --impedance 538
simulate 2 crenot-gofit-s2 --weight 80.25 --impedance 512
simulate 3 mi-scale --weight 70
limit=$(( $(cut -d. -f1 /proc/uptime) + 30 ))
until ready || [ "$(cut -d. -f1 /proc/uptime)" -ge $limit ]; do sleep 0.2; done
ready || { say "FAIL simulators did not start"; cat /tmp/sim-*.err; exit 1; }
say "four simulators advertising on hci0..hci3"

# Everything in range, seen from hci4, each claimed by its driver.
$D/declouder scan --adapter hci4 --seconds 5 --json > /tmp/scan.json 2> /tmp/scan.err
cat /tmp/scan.json /tmp/scan.err
check "scan: mi-scale-2 (service data 0x181B)" /tmp/scan.json \
  '"address":"00:AA:01:00:00:00","name":"MIBFS","rssi":[-0-9]*,"supported":true,"driver":"xiaomi-mi-scale-2"'
check "scan: picooc-mini (name, UUID, manufacturer data)" /tmp/scan.json \
  '"address":"00:AA:01:01:00:01","name":"PICOOC-CQ",.*"supported":true'
check "scan: crenot-gofit-s2" /tmp/scan.json '"address":"00:AA:01:02:00:02","name":"Crenot Gofit S2",.*"supported":true'
check "scan: mi-scale (service data 0x181D)" /tmp/scan.json \
  '"address":"00:AA:01:03:00:03","name":"MI_SCALE",.*"supported":true,"driver":"xiaomi-mi-scale"'

read_device() {  # read_device NAME ADDRESS PATTERN
  $D/declouder read --adapter hci4 --address $2 --json > /tmp/read.json 2> /tmp/read.err
  cat /tmp/read.json /tmp/read.err
  check "read: $1" /tmp/read.json "$3"
}
# Picooc Mini: write without response on FFF2, indication on FFF1.
read_device "picooc-mini over GATT gives 81.1 kg, 538 ohm" 00:AA:01:01:00:01 \
  '"model":"picooc-mini","address":"00:AA:01:01:00:01","weight_kg":81.1,"impedance_ohm":538'
# Crenot GoFit S2 (ICOMON): notifications on FFB2, indications on FFB3, no writes.
read_device "crenot-gofit-s2 over GATT gives 80.25 kg, 512 ohm" 00:AA:01:02:00:02 '"weight_kg":80.25,"impedance_ohm":512'
# Mi Smart Scale v1 history: writes with response, notifications carrying split records.
read_device "mi-scale history over GATT gives the stored weighings" 00:AA:01:03:00:03 '"weight_kg":70.6'

# The gateway on the same radio: it hears the broadcasting scale and talks, by itself, to
# the ones that must be asked (Picooc Mini, Crenot), one connection at a time. (The Mi scale
# v1 is done: under software emulation every advertising device costs the guest CPU.)
kill "$(cat /tmp/sim-3.pid)"
$D/declouder run --adapter hci4 --database /tmp/run.db --jsonl /tmp/run.jsonl > /dev/null 2> /tmp/run.err &
RUN=$!
limit=$(( $(cut -d. -f1 /proc/uptime) + 120 ))
until { grep -q '"model":"picooc-mini"' /tmp/run.jsonl && grep -q '"model":"icomon-ffb0"' /tmp/run.jsonl &&
        grep -q '"model":"xiaomi-mi-scale-2"' /tmp/run.jsonl; } 2>/dev/null ||
      [ "$(cut -d. -f1 /proc/uptime)" -ge $limit ]; do sleep 0.5; done
kill -TERM $RUN; wait $RUN
cat /tmp/run.jsonl /tmp/run.err
check "run: hears the mi-scale-2's weighing" /tmp/run.jsonl '"model":"xiaomi-mi-scale-2","address":"00:AA:01:00:00:00".*"weight_kg":72.35'
check "run: asks the picooc-mini by itself" /tmp/run.jsonl '"model":"picooc-mini","address":"00:AA:01:01:00:01".*"weight_kg":81.1'
check "run: talks to the crenot-gofit-s2 by itself" /tmp/run.jsonl '"address":"00:AA:01:02:00:02".*"weight_kg":80.25'
check "run: stops cleanly" /tmp/run.err 'stopped:'

# Every other GATT family that converses (families.txt, from `declouder devices --json`), four
# at a time on hci0..hci3, each read from hci4 by a person in kg on scale user 1: the
# conversation, the person's data written where the scale needs it, the weight decoded.
# Before each batch the whole stack is taken down and brought up again (stack.sh): a controller
# whose previous device had been connected at times never sent its next device's adverts
# (`not seen by hci4`), and hci4 kept the previous device's Name, UUIDs and GATT database on
# its object (docs/bluetooth.md).
. $D/stack.sh
cat > /tmp/person.toml <<'EOF'
[[person]]
name = "vm"
sex = "male"
birth_date = 1985-06-01
height_cm = 178
unit = "kg"
scale_user = 1
EOF
stop_devices() {
  for n in 0 1 2 3; do
    pid=$(cat /tmp/sim-$n.pid 2>/dev/null) || continue
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    rm -f /tmp/sim-$n.pid
  done
}
batch() {  # batch "SIM MODEL" ...: up to four families at once
  stop_devices
  bluetooth_down
  bluetooth_up || { say "FAIL the Bluetooth stack did not come back: $(tail -5 /tmp/bluetoothd.log)"; failures=$((failures + 1)); return; }
  n=0
  for pair in "$@"; do
    set -- $pair
    : > /tmp/sim-$n.out
    simulate $n "$1" --weight 81.1 --impedance 538 --heart-rate 64
    eval "model_$n=$2 sim_$n=$1"
    n=$((n + 1))
  done
  count=$n
  limit=$(( $(cut -d. -f1 /proc/uptime) + 30 ))
  all_ready() { i=0; while [ $i -lt $count ]; do grep -q '^simulating' /tmp/sim-$i.out || return 1; i=$((i + 1)); done; }
  until all_ready || [ "$(cut -d. -f1 /proc/uptime)" -ge $limit ]; do sleep 0.2; done
  i=0
  while [ $i -lt $count ]; do
    eval "model=\$model_$i sim=\$sim_$i"
    address="00:AA:01:0${i}:00:0${i}"
    $D/declouder read --adapter hci4 --address $address --config /tmp/person.toml --json \
      < /dev/null > /tmp/read.json 2> /tmp/read.err
    cat /tmp/read.json /tmp/read.err
    if ! grep -q '"model"' /tmp/read.json; then  # what hci4 made of the device, for the log
      echo "hci4's view of $address: $(gdbus introspect --system --dest org.bluez --recurse \
        --object-path /org/bluez/hci4/dev_00_AA_01_0${i}_00_0${i} 2>&1 | sed -n "s/.*UUID = '0000\(....\)-.*/\1/p; s/.*UUID = '\(.*\)';/\1/p" | tr '\n' ' ')"
    fi
    if [ "$model" = heart-rate-sensor ]; then
      check "read: $sim over GATT gives its heart rate (64 +- 2 bpm)" /tmp/read.json \
        "\"model\":\"$model\",\"address\":\"$address\",.*\"heart_rate_bpm\":6[2-6]"
    else
      check "read: $sim over GATT gives 81.1 kg" /tmp/read.json "\"model\":\"$model\",\"address\":\"$address\",\"weight_kg\":81.1,"
    fi
    i=$((i + 1))
  done
}
set --
while read -r sim model; do
  set -- "$@" "$sim $model"
  if [ $# = 4 ]; then batch "$@"; set --; fi
done < $D/families.txt
[ $# = 0 ] || batch "$@"
stop_devices
say "guest tests done, $failures failed"
[ $failures = 0 ]
