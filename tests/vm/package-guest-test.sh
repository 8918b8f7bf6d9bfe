#!/bin/sh
# Runs inside the VM booted with systemd as PID 1 (tests/vm/package.sh): installs the amd64
# package as an administrator would (`apt install ./declouder_*.deb`), checks what it set up
# (user, state directory, unit not enabled, config readable by the service only), starts the
# service, plays a Mi Body Composition Scale 2 on a second virtual controller through the
# real bluetoothd, waits for the service to store the weighing, then removes and purges the
# package and checks that nothing is left but the system user. Every line goes to the
# serial console ("DECLOUDER-VM: ..."), which is all the host sees. Exit 0 = all passed.
exec > /dev/ttyS0 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "DECLOUDER-VM: $(up)s $*"; }
failures=0
pass() { say "PASS $1"; }
fail() { say "FAIL $1"; failures=$((failures + 1)); }
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
  name=$1; shift
  if "$@" >/tmp/check.out 2>&1; then pass "$name"; else fail "$name"; cat /tmp/check.out; fi
}
wait_for() {  # wait_for SECONDS COMMAND...: polls COMMAND by the clock
  limit=$(( ${1} + $(cut -d. -f1 /proc/uptime) )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(cut -d. -f1 /proc/uptime)" -ge "$limit" ] && return 1
    sleep 0.2
  done
}
finish() {
  say "package tests done, $failures failed"
  if [ "$failures" = 0 ]; then say "RESULT PASS"; else say "RESULT FAIL"; fi
  sync
  systemctl poweroff --force --force
}
D=/opt/declouder
DEB=$(ls $D/declouder_*_amd64.deb)
say "systemd $(systemctl --version | head -n1 | cut -d' ' -f2) up ($(systemctl is-system-running))"

# Two linked virtual controllers (btvirt), then Debian's bluetooth.service (its unit needs
# /sys/class/bluetooth, so systemd did not start it at boot).
modprobe bluetooth && modprobe hci_vhci || { fail "modprobe"; finish; }
adapter_up() { gdbus introspect --system --dest org.bluez --object-path /org/bluez/$1 2>/dev/null | grep -q org.bluez.Adapter1; }
adapters_up() { adapter_up hci0 && adapter_up hci1; }
# On a starved host an emulated controller can miss its HCI Reset and never appear (as in
# vm-init.sh): then both are started again, twice at most.
for attempt in 1 2 3; do
  btvirt -L -l2 > /tmp/btvirt.log 2>&1 &
  BTVIRT=$!
  wait_for 30 test -e /sys/class/bluetooth/hci1 || { fail "btvirt made no controllers"; finish; }
  systemctl start bluetooth.service
  wait_for 60 adapters_up && break
  say "controllers did not come up (attempt $attempt): restarting btvirt and bluetoothd"
  systemctl stop bluetooth.service; kill $BTVIRT; wait $BTVIRT 2>/dev/null
  wait_for 10 sh -c '! ls /sys/class/bluetooth/hci* >/dev/null 2>&1'
done
adapters_up || { fail "bluetoothd exports hci0 and hci1"; journalctl -b -u bluetooth --no-pager | tail -n 20; dmesg | tail -n 10; finish; }
say "bluetoothd up with hci0 and hci1"

# --- install -----------------------------------------------------------------------------
t_install=$(up)
# Offline: the image has no package lists, so every Depends must already be installed in it.
cd "$(dirname "$DEB")"
if apt-get install -y "./$(basename "$DEB")" > /tmp/apt.out 2>&1; then
  pass "apt install ./$(basename "$DEB")"
  t_installed=$(up)
else
  fail "apt install ./$(basename "$DEB")"; cat /tmp/apt.out; finish
fi
cd /
check "the program is on PATH: declouder --version" sh -c 'declouder --version | grep -qx "declouder [0-9.]*"'
check "man page installed" test -s /usr/share/man/man1/declouder.1.gz
check "user declouder exists, no login shell" sh -c 'getent passwd declouder | grep -q ":/var/lib/declouder:/usr/sbin/nologin$"'
check "user declouder is in group bluetooth" sh -c 'id -nG declouder | tr " " "\n" | grep -qx bluetooth'
check "/var/lib/declouder is the service user's, 0750" sh -c '[ "$(stat -c %U:%G:%a /var/lib/declouder)" = declouder:declouder:750 ]'
check "/etc/declouder/config.toml is root:declouder 0640" sh -c '[ "$(stat -c %U:%G:%a /etc/declouder/config.toml)" = root:declouder:640 ]'
check "installing enabled nothing" sh -c '[ "$(systemctl is-enabled declouder.service)" = disabled ]'
check "installing started nothing" sh -c '! systemctl is-active --quiet declouder.service'
check "the D-Bus policy is installed where dbus-daemon reads it" test -f /usr/share/dbus-1/system.d/declouder-bluez.conf

# --- start, weigh --------------------------------------------------------------------------
# The service listens on "the first adapter" BlueZ lists, whichever that is: the scale plays on
# both controllers, and the service hears the one on the other.
for n in 0 1; do
  declouder simulate --backend bluez --adapter hci$n mi-scale-2 --weight 72.35 --impedance 480 \
    > /tmp/sim-$n.out 2> /tmp/sim-$n.err &
  echo $! > /tmp/sim-$n.pid
done
simulating() { grep -q '^simulating' /tmp/sim-0.out && grep -q '^simulating' /tmp/sim-1.out; }
wait_for 120 simulating || { fail "simulators started"; cat /tmp/sim-*.err; }
t_enable=$(up)
check "systemctl enable --now declouder" systemctl enable --now declouder.service
stored() {
  declouder history --database /var/lib/declouder/declouder.db --unassigned --json > /tmp/history.json 2>/dev/null &&
    grep -q '"weight_kg":72.35' /tmp/history.json
}
if wait_for 150 stored; then
  t_stored=$(up)
  pass "the service stored the simulated scale's weighing (72.35 kg)"
  cat /tmp/history.json
  say "MEASURED apt install to first stored weighing: $(awk "BEGIN { printf \"%.1f\", $t_stored - $t_install }") s" \
    "(apt install $(awk "BEGIN { printf \"%.1f\", $t_installed - $t_install }") s," \
    "systemctl enable --now to the weighing stored $(awk "BEGIN { printf \"%.1f\", $t_stored - $t_enable }") s)"
else
  fail "the service stored the simulated scale's weighing (72.35 kg)"
  cat /tmp/history.json
  journalctl -b -u declouder --no-pager | tail -n 30
fi
check "the service runs as declouder" sh -c '[ "$(ps -o user= -p "$(systemctl show -P MainPID declouder.service)")" = declouder ]'
check "the database is private (0600)" sh -c '[ "$(stat -c %U:%a /var/lib/declouder/declouder.db)" = declouder:600 ]'
check "the journal shows the weighing" sh -c 'journalctl -b -u declouder --no-pager | grep -q "72.35"'
kill "$(cat /tmp/sim-0.pid)" "$(cat /tmp/sim-1.pid)" 2>/dev/null

# --- remove, purge -------------------------------------------------------------------------
check "apt remove declouder" apt-get remove -y declouder
check "removing stopped the service" sh -c '! systemctl is-active --quiet declouder.service'
check "removing keeps the database" test -s /var/lib/declouder/declouder.db
check "removing keeps the config (a conffile)" test -f /etc/declouder/config.toml
check "the program is gone" sh -c '! command -v declouder'
check "apt purge declouder" apt-get purge -y declouder
check "purging deletes the database and the config" sh -c '! test -e /var/lib/declouder && ! test -e /etc/declouder'
check "purging leaves no unit behind" sh -c '! ls /etc/systemd/system/*/declouder.service /lib/systemd/system/declouder.service 2>/dev/null'
check "dpkg knows nothing of declouder" sh -c '! dpkg-query -W -f="\${Status}" declouder 2>/dev/null | grep -q installed'
check "no file of the package is left" sh -c '! ls /usr/share/doc/declouder /usr/lib/sysusers.d/declouder.conf /usr/share/dbus-1/system.d/declouder-bluez.conf 2>/dev/null'
finish
