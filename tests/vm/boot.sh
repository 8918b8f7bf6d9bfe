#!/usr/bin/env bash
# Boots the VM tier's kernel with an initramfs and prints what the guest says on its serial
# console ("DECLOUDER-VM: ..." and JSON lines); the whole console goes to LOG. Used by run.sh
# (a shell script as PID 1) and package.sh (systemd as PID 1).
#   tests/vm/boot.sh IMAGE_DIR INITRD LOG KERNEL_ARGS...
# Env: VM_TIMEOUT (default 240 s), VM_BOOT_DEADLINE (default 180 s).
#
# Under TCG on a loaded host a boot now and then hangs before userspace (seen once in a
# package test: the console stayed at "Booting from ROM.." for the whole 600 s, and the same
# test passed on the next boot with the guest's first line at 17 s). A guest that has said
# nothing by VM_BOOT_DEADLINE is booted once more, and this says so; a guest that has spoken
# is never restarted, so a test that fails inside the guest still fails.
set -uo pipefail
image=$1 initrd=$2 log=$3
shift 3
deadline=${VM_BOOT_DEADLINE:-180}
for attempt in 1 2; do
  : > "$log"
  timeout "${VM_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 1024 -smp 2 \
    -nographic -no-reboot -nodefaults -serial stdio -display none \
    -kernel "$image/vmlinux" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 $*" \
    </dev/null >"$log" 2>&1 &
  vm=$!
  tail -n +1 -F --pid="$vm" "$log" 2>/dev/null | grep -a --line-buffered 'DECLOUDER-VM\|^{' &
  shown=$!
  hung=
  waited=0
  while kill -0 "$vm" 2>/dev/null; do
    if [ "$waited" -ge "$deadline" ] && ! grep -aq 'DECLOUDER-VM' "$log"; then
      hung=1
      kill -TERM "$vm" 2>/dev/null  # timeout passes it on to qemu
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  wait "$vm" 2>/dev/null
  wait "$shown" 2>/dev/null
  [ -n "$hung" ] || exit 0
  echo "vm: the guest said nothing in ${deadline} s (a boot that hung before userspace; attempt $attempt of 2)"
done
exit 0
