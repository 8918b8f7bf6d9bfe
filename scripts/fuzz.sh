#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cpp, the whole library instrumented with
# ASan and UBSan) in build-fuzz/ and runs each one.
#
#   scripts/fuzz.sh                  the gate scripts/test.sh runs: every seed in
#                                    fuzz/seeds/<target>/ (the regressions), then a fixed
#                                    number of mutations from a fixed random seed, so the
#                                    same commit always tries the same inputs: a failure
#                                    here is reproducible, never luck of the draw
#   scripts/fuzz.sh --explore SECONDS   the search for new bugs: a random seed and a corpus
#                                    kept in build-fuzz/corpus-<target> between runs;
#                                    what crashes is kept in build-fuzz/crashes/ (add it to
#                                    fuzz/seeds/<target>/ with the fix, as a regression)
#   scripts/fuzz.sh --build-only     builds the targets and stops (scripts/test.sh builds them
#                                    in the background while CTest runs)
#
# FUZZ_RUNS (default 100000) sets the gate's mutations per target.
# Prints "fuzzers: N passed"; exits 1 with the failing input's report otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
explore=
build_only=
case "${1:-}" in
  --explore) explore=${2:?--explore needs a number of seconds} ;;
  --build-only) build_only=1 ;;
  "") ;;
  *) echo "usage: scripts/fuzz.sh [--explore SECONDS | --build-only]" >&2; exit 2 ;;
esac
RUNS=${FUZZ_RUNS:-100000}

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDECLOUDER_TESTS=OFF -DDECLOUDER_BENCH=OFF -DDECLOUDER_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzzers

mkdir -p build-fuzz/crashes
# The decoder fuzzer's dictionary comes from the device registry: every name and dispatch key.
build-fuzz/fuzz/decode_dictionary > build-fuzz/decode.dict
[ -z "$build_only" ] || exit 0

# One target: its log in build-fuzz/<name>.log, its status its exit code.
run_one() {
  local fuzzer=$1 name seeds dirs args run
  name=$(basename "$fuzzer")
  seeds="$ROOT/fuzz/seeds/${name%_fuzz}"
  if [ -n "$explore" ]; then
    local corpus="$ROOT/build-fuzz/corpus-$name"
    mkdir -p "$corpus"
    dirs=("$corpus")
    args=(-max_total_time="$explore")
  else
    # A fresh scratch corpus each time: the gate starts from the committed seeds only.
    local scratch="$ROOT/build-fuzz/scratch-$name"
    rm -rf "$scratch"
    mkdir -p "$scratch"
    dirs=("$scratch")
    args=(-seed=1 -runs="$RUNS" -reload=0)
  fi
  [ -d "$seeds" ] && dirs+=("$seeds")
  if [ "$name" = decode_fuzz ]; then args+=(-dict="$ROOT/build-fuzz/decode.dict"); fi
  # The gate runs without address-space randomisation: libFuzzer's table of recent
  # comparisons is indexed by code address, so with ASLR the same seed takes other paths.
  # (Where a sandbox forbids turning it off, the gate still runs, merely less repeatable.)
  run=("$fuzzer")
  if [ -z "$explore" ] && setarch "$(uname -m)" -R true 2>/dev/null; then run=(setarch "$(uname -m)" -R "$fuzzer"); fi
  "${run[@]}" "${args[@]}" -print_final_stats=0 -artifact_prefix="$ROOT/build-fuzz/crashes/$name-" \
    "${dirs[@]}" > "build-fuzz/$name.log" 2>&1
}

# The targets are independent, each single-threaded and deterministic on its own: run as
# many at once as there are cores (the same inputs whatever the order they finish in).
fuzzers=()
for f in build-fuzz/fuzz/*_fuzz; do [ -x "$f" ] && fuzzers+=("$f"); done
declare -A job_of=()
failed=()
for fuzzer in "${fuzzers[@]}"; do
  while [ "${#job_of[@]}" -ge "$(nproc)" ]; do
    wait -n -p done_pid || failed+=("${job_of[$done_pid]}")
    unset "job_of[$done_pid]"
  done
  run_one "$fuzzer" &
  job_of[$!]=$(basename "$fuzzer")
done
while [ "${#job_of[@]}" -gt 0 ]; do
  wait -n -p done_pid || failed+=("${job_of[$done_pid]}")
  unset "job_of[$done_pid]"
done

passed=0
for fuzzer in "${fuzzers[@]}"; do
  name=$(basename "$fuzzer")
  echo "-- $name"
  if printf '%s\n' "${failed[@]}" | grep -qx "$name"; then
    tail -50 "build-fuzz/$name.log"
    echo "FUZZER FAILED: $name (the input is in build-fuzz/crashes/; log build-fuzz/$name.log)"
    continue
  fi
  grep -E '^#[0-9]+.*(DONE|pulse)' "build-fuzz/$name.log" | tail -1 || true
  passed=$((passed + 1))
done
[ "${#failed[@]}" -eq 0 ] || exit 1
echo "fuzzers: $passed passed"
