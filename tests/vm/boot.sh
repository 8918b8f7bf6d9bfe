#!/usr/bin/env bash
# Boots the VM tier's kernel with an initramfs and prints what the guest says on its serial
# console ("DECLOUDER-VM: ..." and JSON lines); the whole console goes to LOG. Used by run.sh
# (a shell script as PID 1) and package.sh (systemd as PID 1).
#   tests/vm/boot.sh IMAGE_DIR INITRD LOG KERNEL_ARGS...
# Env: VM_TIMEOUT (default 240 s).
set -uo pipefail
image=$1 initrd=$2 log=$3
shift 3
timeout "${VM_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 1024 -smp 2 \
  -nographic -no-reboot -nodefaults -serial stdio -display none \
  -kernel "$image/vmlinux" -initrd "$initrd" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 $*" \
  </dev/null 2>&1 | tee "$log" | grep -a 'DECLOUDER-VM\|^{' || true
