#!/usr/bin/env bash
# The Debian package, tested as a Raspberry Pi's owner would use it: boots the VM tier's image
# (Debian 12, Debian's kernel, real bluetoothd) with systemd as PID 1, installs
# dist/declouder_<version>_amd64.deb with apt, starts the service, lets it weigh a simulated
# Mi Body Composition Scale 2 heard through btvirt's virtual radio, then removes and purges
# the package (tests/vm/package-guest-test.sh lists every check). Prints the measured time from
# `apt install` to the first stored weighing. Exit status 0 = all passed.
#
#   scripts/package.sh amd64 && tests/vm/package.sh
# Env: DEB (default: the newest dist/declouder_*_amd64.deb), VM_TIMEOUT (default 600 s: a loaded host slows the emulated guest a lot), VM_LOG.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DEB=${DEB:-$(ls -t "$ROOT"/dist/declouder_*_amd64.deb 2>/dev/null | head -n1)}
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "vm-package: no dist/declouder_*_amd64.deb: run scripts/package.sh amd64 first" >&2; exit 1; }
for tool in qemu-system-x86_64 cpio; do
  command -v $tool >/dev/null || { echo "vm-package: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

IMAGE=$("$HERE/build-image.sh")
WORK=$(mktemp -d /tmp/declouder-vm-package.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
P=$WORK/payload
mkdir -p "$P/opt/declouder" "$P/etc/systemd/system/multi-user.target.wants"
cp "$DEB" "$P/opt/declouder/"
install -m 755 "$HERE/package-guest-test.sh" "$P/opt/declouder/package-guest-test.sh"
# The test runs once the system is up; it powers the VM off itself.
cat > "$P/etc/systemd/system/declouder-vm-test.service" <<'UNIT'
[Unit]
Description=declouder package test (tests/vm/package.sh)
After=basic.target dbus.service
[Service]
Type=oneshot
ExecStart=/opt/declouder/package-guest-test.sh
UNIT
ln -s ../declouder-vm-test.service "$P/etc/systemd/system/multi-user.target.wants/declouder-vm-test.service"
(cd "$P" && find . -print0 | cpio --null -o -H newc --quiet) > "$WORK/payload.cpio"
cat "$IMAGE/base.cpio" "$WORK/payload.cpio" > "$WORK/initrd.cpio"

LOG=${VM_LOG:-$WORK/console.log}
t0=$(date +%s.%N)
VM_TIMEOUT=${VM_TIMEOUT:-600} "$HERE/boot.sh" "$IMAGE" "$WORK/initrd.cpio" "$LOG" \
  rdinit=/lib/systemd/systemd systemd.show_status=0 systemd.mask=serial-getty@ttyS0.service
t1=$(date +%s.%N)
printf 'vm-package: boot, install, weigh, purge %.1fs\n' "$(echo "$t1 - $t0" | bc)"
grep -a 'MEASURED' "$LOG" | sed 's/^DECLOUDER-VM: [0-9.]*s MEASURED /vm-package: /' || true
if grep -aq '^DECLOUDER-VM: .* RESULT PASS' "$LOG"; then
  echo "vm-package: PASS"
  exit 0
fi
echo "vm-package: FAIL (console follows)"
cat "$LOG"
exit 1
