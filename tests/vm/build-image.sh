#!/usr/bin/env bash
# Builds (or finds in the cache) what the real-BlueZ VM tier boots:
#   $CACHE/<key>/vmlinux     Debian's own kernel, uncompressed (QEMU boots it through PVH)
#   $CACHE/<key>/files.txt   the base names of every file in it (to check runtime libraries)
#   $CACHE/<key>/base.cpio   a debootstrapped Debian 12 root file system with bluetoothd, dbus,
#                            the kernel's Bluetooth modules and declouder's runtime libraries
# The key is a hash of the package list and of this script, so changing either rebuilds once;
# the declouder binary and the test scripts are not in the image (run.sh appends them per run).
# Prints the image directory on stdout. Needs root, debootstrap, cpio, xz-utils and the network
# to a Debian mirror on the first run only.
# The steps follow ../shared/recipes/vm-bluez (proven on this machine), re-written for declouder.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${DECLOUDER_VM_CACHE:-/var/cache/declouder-vm}
# bluez: bluetoothd and btvirt's sibling tools; bluez-test-tools: btvirt (two linked virtual
# controllers); dbus: the system bus; kmod: modprobe; libglib2.0-bin: gdbus, to wait for the
# adapters; the lib* packages: what build/declouder links (checked by run.sh with ldd, and
# so what the package's Depends name; package.sh installs it offline; libcpp-httplib0.11 for
# `declouder web`, bringing brotli, OpenSSL and zlib with it); systemd, systemd-sysv: PID 1
# when package.sh boots the image to install the .deb and start it as a service.
PKGS=bluez,bluez-test-tools,dbus,kmod,libglib2.0-bin,procps,libsdbus-c++1,libsqlite3-0,libmosquitto1,libsystemd0,libcpp-httplib0.11,systemd,systemd-sysv
MIRROR=${MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
[ -n "$MIRROR" ] || MIRROR=$(sed -n 's/^deb \(\[[^]]*\] \)\?\(http[^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n1)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian

KEY=$( { echo "$PKGS"; cat "$0"; } | sha256sum | cut -c1-16)
OUT=$CACHE/$KEY
if [ -e "$OUT/.done" ]; then echo "$OUT"; exit 0; fi

log() { echo "vm-image: $*" >&2; }
mkdir -p "$CACHE"
rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
cd "$OUT.tmp"
t0=$(date +%s)
log "debootstrap ($PKGS) from $MIRROR"
debootstrap --variant=minbase --include=$PKGS bookworm rootfs "$MIRROR" >debootstrap.log 2>&1 \
  || { tail -30 debootstrap.log >&2; exit 1; }
t1=$(date +%s)

# The kernel: the one Debian's linux-image-amd64 points at, with only the modules Bluetooth needs
# (bluetooth, hci_vhci and what they load at run time: ecdh/ecc, crc16, rfkill, AF_ALG crypto).
KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
(cd "$CACHE" && { ls ${KPKG}_*.deb >/dev/null 2>&1 || apt-get download "$KPKG" >&2; })
KDEB=$(ls -t "$CACHE"/${KPKG}_*.deb | head -n1)
mkdir kpkg && dpkg-deb -x "$KDEB" kpkg
KVER=$(ls kpkg/lib/modules)
# Debian's bzImage is xz-compressed: cut at the xz magic and decompress to the ELF vmlinux.
off=$(LC_ALL=C grep -abo $'\xfd7zXZ' kpkg/boot/vmlinuz-$KVER | head -n1 | cut -d: -f1)
tail -c +$((off + 1)) kpkg/boot/vmlinuz-$KVER | xz -dc > vmlinux 2>/dev/null || true
[ "$(head -c 4 vmlinux | tail -c 3)" = ELF ] || { log "could not extract vmlinux"; exit 1; }
S=kpkg/lib/modules/$KVER
mkdir -p rootfs/lib/modules/$KVER/kernel
cp $S/modules.order $S/modules.builtin $S/modules.builtin.modinfo rootfs/lib/modules/$KVER/
for d in net/bluetooth drivers/bluetooth net/rfkill crypto arch/x86/crypto lib; do
  mkdir -p rootfs/lib/modules/$KVER/kernel/$d
  cp -a $S/kernel/$d/. rootfs/lib/modules/$KVER/kernel/$d/
done
chroot rootfs /sbin/depmod $KVER
rm -rf kpkg
# Less to unpack into RAM at every boot.
rm -rf rootfs/usr/share/doc/* rootfs/usr/share/man/* rootfs/usr/share/info/* rootfs/usr/share/locale/* \
       rootfs/var/cache/apt/* rootfs/var/lib/apt/lists/* rootfs/usr/share/zoneinfo rootfs/usr/share/i18n
(cd rootfs && find . -xdev -print0 | cpio --null -o -H newc --quiet) > base.cpio
(cd rootfs && find . -xdev \( -type f -o -type l \) -printf '%f\n') | sort -u > files.txt  # run.sh checks ldd against it
rm -rf rootfs
t2=$(date +%s)
log "debootstrap $((t1 - t0))s, kernel+modules+cpio $((t2 - t1))s, base.cpio $(du -h base.cpio | cut -f1)"
touch .done
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
echo "$OUT"
