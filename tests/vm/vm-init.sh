#!/bin/sh
# PID 1 of the test VM: Bluetooth modules -> /dev/vhci -> system D-Bus -> btvirt (five linked
# virtual LE controllers: hci0..hci3 for simulated devices, hci4 for declouder) -> bluetoothd; then /opt/declouder/guest-test.sh,
# and power off. Every step prints a "DECLOUDER-VM:" line on the serial console, which is
# all the host sees. After ../shared/recipes/vm-bluez/vm-init.sh.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
hostname declouder-vm

up() { cut -d' ' -f1 /proc/uptime; }
# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds or SECONDS of uptime pass
# (by the clock, not by a count of tries: a loaded host makes every try slow).
wait_for() {
  limit=$(( ${1} + $(cut -d. -f1 /proc/uptime) )); shift
  until "$@"; do
    [ "$(cut -d. -f1 /proc/uptime)" -ge "$limit" ] && return 1
    sleep 0.1
  done
}
step() { echo "DECLOUDER-VM: $(up)s $*"; }
finish() {
  echo
  step "RESULT $1"
  sync
  echo o > /proc/sysrq-trigger
  sleep 10
}

step "init, kernel $(uname -r)"
for m in bluetooth hci_vhci; do modprobe $m || { step "SETUP-FAIL modprobe $m"; finish FAIL; }; done
dbus-uuidgen --ensure
mkdir -p /run/dbus
dbus-daemon --system --fork --nopidfile || { step "SETUP-FAIL dbus-daemon"; finish FAIL; }
adapter_up() { gdbus introspect --system --dest org.bluez --object-path /org/bluez/$1 2>/dev/null | grep -q org.bluez.Adapter1; }
all_up() { for n in 0 1 2 3 4; do adapter_up hci$n || return 1; done; }
hci_timeouts() { dmesg | grep -c 'failed: -110'; }
# Up, or a controller missed an HCI command since this attempt began (then it never comes).
up_or_stuck() { all_up || [ "$(hci_timeouts)" -gt "$timeouts_before" ]; }
# btvirt + bluetoothd. On a starved host an emulated controller can miss its HCI Reset
# ("Opcode 0x0c03 failed: -110") and never appear: then start both again, twice at most.
for attempt in 1 2 3; do
  timeouts_before=$(hci_timeouts)
  btvirt -L -l5 > /tmp/btvirt.log 2>&1 &
  BTVIRT=$!
  wait_for 30 test -e /sys/class/bluetooth/hci4 || { step "SETUP-FAIL btvirt made no controllers"; cat /tmp/btvirt.log; finish FAIL; }
  /usr/libexec/bluetooth/bluetoothd -n > /tmp/bluetoothd.log 2>&1 &
  BLUETOOTHD=$!
  wait_for 40 up_or_stuck
  sleep 1
  all_up && break
  step "controllers did not come up (attempt $attempt, $(( $(hci_timeouts) - timeouts_before )) HCI timeouts): restarting btvirt and bluetoothd"
  kill $BLUETOOTHD $BTVIRT; wait $BLUETOOTHD $BTVIRT 2>/dev/null
  wait_for 10 sh -c '! ls /sys/class/bluetooth/hci* >/dev/null 2>&1'
done
all_up || {
  step "SETUP-FAIL bluetoothd did not export hci0..hci4"
  cat /tmp/bluetoothd.log; dmesg | tail -n 15; finish FAIL
}
step "bluetoothd up with hci0..hci4"

/opt/declouder/guest-test.sh
rc=$?
step "guest tests exit code $rc"
if [ "$rc" != 0 ]; then
  echo "----- bluetoothd log -----"; tail -n 60 /tmp/bluetoothd.log
fi
if [ "$rc" = 0 ]; then finish PASS; else finish FAIL; fi
