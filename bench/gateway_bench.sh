#!/usr/bin/env bash
# Gateway benchmark (not a test): a real Mosquitto on loopback and the
# simulated Mi Scale 2, measuring what a Raspberry Pi owner cares about:
#   - time from exec to "listening" (sources started, database open, MQTT connecting)
#   - resident memory idle, and peak under sustained load
#   - sustained measurements per second through SQLite and MQTT (each one
#     stored, claimed, delivered with Home Assistant discovery and acknowledged)
# The latency advert -> MQTT publish is in bench/gateway_bench.cpp.
# Usage: bench/gateway_bench.sh [build/declouder]
set -euo pipefail
DECLOUDER=${1:-build/declouder}
WORK=$(mktemp -d /tmp/declouder-gwbench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser %s\n' "$PORT" "$(id -un)" > "$WORK/m.conf"
mosquitto -c "$WORK/m.conf" >/dev/null 2>&1 &
BROKER=$!
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; kill $BROKER; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
sleep 0.5

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# 1. Start-up to listening, five times (median), with MQTT and a database.
python3 - "$DECLOUDER" "$PORT" "$WORK" <<'PY'
import subprocess, sys, time, statistics, os, signal
exe, port, work = sys.argv[1:4]
times = []
for i in range(5):
    t0 = time.monotonic()
    p = subprocess.Popen([exe, "run", "--simulate", "mi-scale-2:weighings=0,interval=3600",
                          "--mqtt", f"mqtt://127.0.0.1:{port}", "--gateway-id", f"start{i}",
                          "--database", f"{work}/start{i}.db"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in p.stderr:
        if "listening:" in line:
            times.append((time.monotonic() - t0) * 1000)
            break
    p.send_signal(signal.SIGTERM); p.wait()
print(f"start to listening: median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}; "
      f"first start creates the database)")
PY

# 2. Idle: one simulated scale that weighs once an hour.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=3600" --mqtt "mqtt://127.0.0.1:$PORT" \
  --gateway-id idle --database "$WORK/idle.db" 2>"$WORK/idle.err" &
IDLE=$!; PIDS+=($IDLE)
sleep 5
echo "RSS idle (after one weighing, connected): $(rss_kb $IDLE) kB"
kill -TERM $IDLE; wait $IDLE || true

# 3. Load: weighings back to back (no pause, 1 ms between frames), 20 s.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=0,frame_ms=1,repeat=1,weights=72.45/58.2/80.3/66.6" \
  --mqtt "mqtt://127.0.0.1:$PORT" --gateway-id load --database "$WORK/load.db" 2>"$WORK/load.err" &
LOAD=$!; PIDS+=($LOAD)
sleep 20
echo "RSS under load: $(rss_kb $LOAD) kB now, peak $(hwm_kb $LOAD) kB"
kill -TERM $LOAD; wait $LOAD || true
python3 - "$WORK/load.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n, first, last = db.execute(
    "SELECT count(*), min(b.heard_us), max(d.delivered_us) FROM gateway_outbox b "
    "JOIN gateway_deliveries d ON d.outbox_id = b.id "
    "WHERE d.output = 'home-assistant' AND d.delivered_us IS NOT NULL").fetchone()
total = db.execute("SELECT count(*) FROM gateway_outbox").fetchone()[0]
print(f"sustained: {n} measurements stored and delivered over MQTT in {(last-first)/1e6:.1f} s = "
      f"{n/((last-first)/1e6):.0f} measurements/s ({total - n} still in flight at the stop)")
PY
