# Sourced by vm-init.sh and guest-test.sh in the test VM: the Bluetooth stack the tests run on,
# btvirt (five linked virtual LE controllers: hci0..hci3 for simulated devices, hci4 for
# declouder) and bluetoothd, brought up and taken down. guest-test.sh takes it down and up
# again between batches of GATT families, so that each batch meets controllers, kernel and
# bluetoothd as fresh as at boot (docs/bluetooth.md says what a reused controller did).

# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds or SECONDS of uptime pass
# (by the clock, not by a count of tries: a loaded host makes every try slow).
wait_for() {
  limit=$(( ${1} + $(cut -d. -f1 /proc/uptime) )); shift
  until "$@"; do
    [ "$(cut -d. -f1 /proc/uptime)" -ge "$limit" ] && return 1
    sleep 0.1
  done
}
adapter_up() { gdbus introspect --system --dest org.bluez --object-path /org/bluez/$1 2>/dev/null | grep -q org.bluez.Adapter1; }
all_up() { for n in 0 1 2 3 4; do adapter_up hci$n || return 1; done; }
hci_timeouts() { dmesg | grep -c 'failed: -110'; }
# Up, or a controller missed an HCI command since this attempt began (then it never comes).
up_or_stuck() { all_up || [ "$(hci_timeouts)" -gt "$timeouts_before" ]; }

# bluetooth_up: btvirt + bluetoothd, with empty BlueZ storage. On a starved host an emulated
# controller can miss its HCI Reset ("Opcode 0x0c03 failed: -110") and never appear: then both
# start again, twice at most. Returns 1 if hci0..hci4 did not come up (bluetoothd's log is
# in /tmp/bluetoothd.log).
bluetooth_up() {
  rm -rf /var/lib/bluetooth/*
  for attempt in 1 2 3; do
    timeouts_before=$(hci_timeouts)
    btvirt -L -l5 > /tmp/btvirt.log 2>&1 &
    echo $! > /run/btvirt.pid
    wait_for 30 test -e /sys/class/bluetooth/hci4 || { echo "btvirt made no controllers: $(cat /tmp/btvirt.log)"; return 1; }
    /usr/libexec/bluetooth/bluetoothd -n >> /tmp/bluetoothd.log 2>&1 &
    echo $! > /run/bluetoothd.pid
    wait_for 40 up_or_stuck
    sleep 1
    all_up && return 0
    echo "DECLOUDER-VM: $(cut -d' ' -f1 /proc/uptime)s controllers did not come up (attempt $attempt," \
      "$(( $(hci_timeouts) - timeouts_before )) HCI timeouts): restarting btvirt and bluetoothd"
    bluetooth_down
  done
  return 1
}

# bluetooth_down: bluetoothd and btvirt stopped (whichever script started them: by their pid
# files), and every controller gone.
bluetooth_down() {
  for p in bluetoothd btvirt; do
    pid=$(cat /run/$p.pid 2>/dev/null) || continue
    kill "$pid" 2>/dev/null
    wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
    rm -f /run/$p.pid
  done
  wait_for 10 sh -c '! ls /sys/class/bluetooth/hci* >/dev/null 2>&1'
}
