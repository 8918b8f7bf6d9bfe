#!/usr/bin/env bash
# How long a newcomer waits (a benchmark, run by hand; not a test): a clean build and the
# whole test command, each on a fresh clone of a commit, with ../shared beside it as CI has
# it and no compiler cache, on this machine.
#
#   bench/project_times.sh [COMMIT] [--build-only]
#
# Prints the wall time of `scripts/build.sh` (configure + build of the program, the tests
# and the benchmarks) and of `scripts/test.sh` (setup, build, CTest, the fuzz gate, the
# real-BlueZ VM tier) for COMMIT (default HEAD). The VM image is built once and cached in
# the clone's .vm-cache/ like a first CI run. docs/benchmarks.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:-HEAD}
build_only=; [ "${2:-}" = --build-only ] && build_only=1
sha=$(git rev-parse --short "$commit")
work=$(mktemp -d /tmp/declouder-times.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/repo"
git -C "$work/repo" checkout -q "$sha"
[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$work/shared"
export CCACHE_DISABLE=1
cd "$work/repo"
start=$(date +%s.%N)
scripts/build.sh > "$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
build_s=$(echo "$(date +%s.%N) - $start" | bc)
printf '%s  clean build (scripts/build.sh): %.0f s\n' "$sha" "$build_s"
[ -n "$build_only" ] && exit 0
rm -rf build build-fuzz
start=$(date +%s.%N)
scripts/test.sh > "$work/test.log" 2>&1 || { tail -40 "$work/test.log"; exit 1; }
test_s=$(echo "$(date +%s.%N) - $start" | bc)
printf '%s  whole test command (scripts/test.sh): %.0f s  (%s)\n' "$sha" "$test_s" "$(tail -1 "$work/test.log")"
grep '^== .* took ' "$work/test.log" | sed 's/^/    /'  # its phases
