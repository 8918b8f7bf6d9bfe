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
. /opt/declouder/stack.sh
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
bluetooth_up || {
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
