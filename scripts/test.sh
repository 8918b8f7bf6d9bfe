#!/usr/bin/env bash
# Sets everything up and runs every test: unit and command-line tests (CTest),
# a short run of every libFuzzer target, and the real-BlueZ virtual machine tier.
# This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

echo "== setup"
scripts/setup.sh

echo "== build"
scripts/build.sh

echo "== unit and command-line tests"
mkdir -p build/logs
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900) | tee build/logs/ctest.log
ctest_passed=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' build/logs/ctest.log | tail -1)
passed=${ctest_passed:-0}

echo "== fuzzing (${FUZZ_SECONDS}s per target)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDECLOUDER_TESTS=OFF -DDECLOUDER_BENCH=OFF -DDECLOUDER_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)"
for fuzzer in build-fuzz/fuzz/*_fuzz; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  corpus="$ROOT/build-fuzz/corpus-$name"
  mkdir -p "$corpus"
  dirs=("$corpus")
  [ -d "$ROOT/fuzz/seeds/${name%_fuzz}" ] && dirs+=("$ROOT/fuzz/seeds/${name%_fuzz}")
  echo "-- $name"
  "$fuzzer" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 "${dirs[@]}" \
    > "build-fuzz/$name.log" 2>&1 || { tail -50 "build-fuzz/$name.log"; echo "FUZZER FAILED: $name"; exit 1; }
  grep -E '^#[0-9]+.*(DONE|pulse)' "build-fuzz/$name.log" | tail -1 || true
  passed=$((passed + 1))
done

if [ -x tests/vm/run.sh ]; then
  echo "== real BlueZ in a virtual machine"
  tests/vm/run.sh
  passed=$((passed + 1))
fi

echo "== all tests passed (unit and command-line tests, fuzzers, virtual machine tier)"
echo "$passed passed, 0 failed"
