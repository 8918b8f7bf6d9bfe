#!/usr/bin/env bash
# Sets everything up and starts the gateway: declouder run.
# With no Bluetooth adapter (a fresh test machine), declouder says so and runs
# against simulated devices, so the whole path from scale to database is visible.
# Extra arguments go to `declouder run` (for example --mqtt mqtt://127.0.0.1:1883).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/declouder run "$@"
