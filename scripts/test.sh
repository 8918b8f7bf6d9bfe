#!/usr/bin/env bash
# Sets everything up and runs every test: unit and command-line tests (CTest),
# a reproducible run of every libFuzzer target, and the real-BlueZ virtual machine tier.
# This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

echo "== setup"
scripts/setup.sh

echo "== build"
scripts/build.sh

echo "== unit and command-line tests"
mkdir -p build/logs
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900) | tee build/logs/ctest.log
ctest_passed=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' build/logs/ctest.log | tail -1)
passed=${ctest_passed:-0}

echo "== fuzzing (the regression seeds and a fixed-seed run per target; scripts/fuzz.sh)"
scripts/fuzz.sh | tee build/logs/fuzz.log
fuzz_passed=$(sed -n 's/^fuzzers: \([0-9]*\) passed$/\1/p' build/logs/fuzz.log)
passed=$((passed + ${fuzz_passed:-0}))

if [ -x tests/vm/run.sh ]; then
  echo "== real BlueZ in a virtual machine"
  tests/vm/run.sh
  passed=$((passed + 1))
fi

echo "== all tests passed (unit and command-line tests, fuzzers, virtual machine tier)"
echo "$passed passed, 0 failed"
