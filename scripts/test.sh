#!/usr/bin/env bash
# Sets everything up and runs every test: unit and command-line tests (CTest),
# a reproducible run of every libFuzzer target, the real-BlueZ virtual machine tier, and the
# amd64 Debian package installed and run as a service in that virtual machine.
# This is what .ci/run calls. Each phase says how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
started=$(date +%s)
phase_start=$started
phase() {  # phase NAME: closes the previous phase with its duration, opens NAME
  local now
  now=$(date +%s)
  [ -n "${current:-}" ] && echo "== $current took $((now - phase_start)) s"
  current=$1
  phase_start=$now
  [ -n "$current" ] && echo "== $current"
  return 0
}

# A phase that fails stops the whole command: the builds left running in the background go
# too (each runs in its own process group, so its compilers go with it).
background=()
trap 'for g in "${background[@]}"; do kill -- "-$g" 2>/dev/null || true; done' EXIT

phase "setup"
scripts/setup.sh
mkdir -p build/logs

# The VM image (a debootstrapped Debian and its kernel) mostly waits on the network and the
# disk: it is built, or found in its cache, while the compiler has the CPU.
vm_image=
if [ -x tests/vm/run.sh ]; then
  setsid tests/vm/build-image.sh > build/logs/vm-image.log 2>&1 &
  vm_image=$!
  background+=($vm_image)
fi

phase "build"
scripts/build.sh

# The fuzz targets are a second, instrumented build of the layers (clang, ASan, UBSan). Most
# command-line tests wait on buses, brokers and simulated scales rather than compute, so the
# fuzz build runs beside them at a lower priority and takes the cores they leave idle.
setsid nice -n 10 scripts/fuzz.sh --build-only > build/logs/fuzz-build.log 2>&1 &
fuzz_build=$!
background+=($fuzz_build)

# The command-line tests spend most of their time waiting (cli.scales, cli.run_mqtt,
# cli.home_assistant, cli.run_esphome and cli.scan: 24.5 s of CPU in 183 s), each on its own
# bus, broker port and files: three per core keep the cores busy without crowding them.
phase "unit and command-line tests"
(cd build && ctest --output-on-failure -j"$(($(nproc) * 3))" --timeout 900) | tee build/logs/ctest.log
ctest_passed=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' build/logs/ctest.log | tail -1)
passed=${ctest_passed:-0}

phase "fuzzing (the regression seeds and a fixed-seed run per target; scripts/fuzz.sh)"
if ! wait "$fuzz_build"; then
  tail -50 build/logs/fuzz-build.log
  echo "fuzz: building the targets failed (build/logs/fuzz-build.log)"
  exit 1
fi
scripts/fuzz.sh | tee build/logs/fuzz.log
fuzz_passed=$(sed -n 's/^fuzzers: \([0-9]*\) passed$/\1/p' build/logs/fuzz.log)
passed=$((passed + ${fuzz_passed:-0}))

if [ -n "$vm_image" ]; then
  # Both run a QEMU guest that mostly waits (the VM tier: 147 s of CPU in 277 s), so they run
  # side by side: the real-BlueZ tier in the background, its console in build/logs/vm.log.
  phase "real BlueZ in a virtual machine, and the Debian package beside it"
  if ! wait "$vm_image"; then
    cat build/logs/vm-image.log
    echo "vm: building the image failed"
    exit 1
  fi
  setsid tests/vm/run.sh > build/logs/vm.log 2>&1 &
  vm_tier=$!
  background+=($vm_tier)

  # The amd64 package, made from the tree built and tested above (scripts/build.sh compiles with
  # Debian's hardening flags, as a release does: what was tested is what ships; lintian; the
  # packaged program decodes a Mi Scale 2 advert), then installed with apt in the same image
  # booted with systemd, started as a service, weighing a simulated scale, removed and purged.
  # The cross-built packages (arm64, armhf) are a release's: scripts/package.sh ARCH...
  scripts/package.sh --from-build build
  tests/vm/package.sh
  passed=$((passed + 1))

  vm_status=0
  wait "$vm_tier" || vm_status=$?
  grep -a '^DECLOUDER-VM\|^vm:' build/logs/vm.log || true
  if [ "$vm_status" != 0 ]; then
    echo "vm: the real-BlueZ tier failed (its whole console: build/logs/vm.log)"
    tail -n 80 build/logs/vm.log
    exit 1
  fi
  passed=$((passed + 1))
fi

phase ""
echo "== all tests passed (unit and command-line tests, fuzzers, virtual machine tier, package) in $(($(date +%s) - started)) s"
echo "$passed passed, 0 failed"
