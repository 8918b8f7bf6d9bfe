#!/usr/bin/env bash
# Fault-injection benchmark (run by hand, not a test): N weighings (default
# 1,000) from the simulated Mi Scale 2 through `declouder run` to a real
# Mosquitto with persistence, while
#   - the broker is stopped and restarted at random (SIGTERM, as a reboot or an
#     upgrade does; BROKER_SIGNAL=KILL kills it instead, and then Mosquitto itself
#     loses what it acknowledged after its last autosave, 1 s here),
#   - declouder is killed (SIGKILL) at random and started again, as systemd
#     would (Restart=always), on the same database,
#   - once, the disk holding the database fills up for a few seconds (a tmpfs
#     of its own; needs root for the mount, else that episode is skipped).
# The scale resumes where the store stopped, re-advertising its last weighing,
# as a real one does after a gateway restart. At the end declouder runs once
# more, undisturbed, until every outbox row is delivered.
# Prints one line: stored, delivered, lost (stored, never delivered) and
# doubled (delivered more than once), plus the faults injected. Aim: 0 lost, 0 doubled.
# Usage: bench/faults.sh [build/declouder] [N] [SEED]
set -euo pipefail
DECLOUDER=$(realpath "${1:-build/declouder}")
N=${2:-1000}
RANDOM=${3:-7}
WORK=$(mktemp -d /tmp/declouder-faults.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/broker" "$WORK/data"
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser %s\npersistence true\npersistence_location %s/\nautosave_interval 1\n' \
  "$PORT" "$(id -un)" "$WORK/broker" > "$WORK/broker/m.conf"
DISK_EPISODE=skipped
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64m tmpfs "$WORK/data" 2>/dev/null; then DISK_EPISODE=pending; fi
DB="$WORK/data/faults.db"
BROKER= GW= SUB=
cleanup() {
  for p in $GW $SUB $BROKER; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$DISK_EPISODE" = skipped ] || umount "$WORK/data" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

broker_up() {
  mosquitto -c "$WORK/broker/m.conf" >/dev/null 2>&1 &
  BROKER=$!
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),0.1).close()" 2>/dev/null && return; sleep 0.05; done
}
broker_up
# Home Assistant: a persistent QoS 2 session; mosquitto_sub reconnects by itself.
mosquitto_sub -p "$PORT" -i faults-ha -c -q 2 -v -t 'declouder/scales/+/measurement' > "$WORK/ha.txt" 2>/dev/null &
SUB=$!
sleep 0.5

T0=$(date -u -d 2026-01-01T00:00:00Z +%s)
stored() {
  python3 -c 'import sqlite3,sys
try: print(sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=10).execute("SELECT count(*) FROM measurements").fetchone()[0])
except Exception: print(0)' "$DB"
}
gateway() {  # FIRST_WEIGHING: the scale starts there (re-advertising the last stored one)
  local first=$1 clock
  clock=$(date -u -d "@$((T0 + first * 60))" +%Y-%m-%dT%H:%M:%S)
  "$DECLOUDER" run --simulate "mi-scale-2:address=5C:CA:D3:00:00:F1,weights=72.45,clock=$clock,clock_step=60,weighings=$((N - first)),interval=0.02,frame_ms=2" \
    --mqtt "mqtt://127.0.0.1:$PORT" --database "$DB" --gateway-id faults --stop-timeout 5 >/dev/null 2>> "$WORK/gateway.log" &
  GW=$!
}

kills=0 broker_kills=0 exits=0 start=$SECONDS
while :; do
  done_count=$(stored)
  [ "$done_count" -ge "$N" ] && break
  gateway $((done_count > 0 ? done_count - 1 : 0))
  life=$((2 + RANDOM % 6))
  for ((t = 0; t < life * 4; t++)); do
    sleep 0.25
    kill -0 "$GW" 2>/dev/null || break
    if [ $((RANDOM % 40)) = 0 ]; then  # the broker dies and comes back 0-3 s later
      kill -"${BROKER_SIGNAL:-TERM}" "$BROKER"; wait "$BROKER" 2>/dev/null || true; broker_kills=$((broker_kills + 1))
      sleep "0.$((RANDOM % 10))"; sleep $((RANDOM % 3)); broker_up
    fi
    if [ "$DISK_EPISODE" = pending ] && [ "$(stored)" -ge $((N / 2)) ]; then  # the disk fills for 3 s
      dd if=/dev/zero of="$WORK/data/filler" bs=1M 2>/dev/null || true
      sleep 3; rm -f "$WORK/data/filler"; DISK_EPISODE=done
    fi
  done
  if kill -0 "$GW" 2>/dev/null; then
    kill -KILL "$GW"; kills=$((kills + 1))
  else
    exits=$((exits + 1))  # it stopped by itself: a storage failure (exit 1), restarted like systemd does
  fi
  wait "$GW" 2>/dev/null || true
done
# Undisturbed, until everything stored is delivered (a finite run ends once settled).
kill -0 "$BROKER" 2>/dev/null || broker_up
gateway $((N - 1))
wait "$GW" || true
sleep 2
python3 - "$DB" "$WORK/ha.txt" "$N" "$kills" "$broker_kills" "$exits" "$DISK_EPISODE" "$((SECONDS - start))" <<'PY'
import json, sqlite3, sys, collections
db, ha, n, kills, bkills, exits, disk, secs = sys.argv[1:]
stored = {r[0] for r in sqlite3.connect(db).execute("SELECT uid FROM measurements")}
seen = collections.Counter(json.loads(l.split(" ", 1)[1])["uid"] for l in open(ha) if " " in l)
delivered = set(seen) & stored
print(f"{n} weighings: stored {len(stored)}, delivered {len(delivered)}, lost {len(stored - delivered)}, "
      f"doubled {sum(1 for c in seen.values() if c > 1)}, foreign {len(set(seen) - stored)}; "
      f"faults: {kills} gateway SIGKILLs, {bkills} broker restarts, {exits} gateway exits, disk-full episode {disk}; {secs} s")
PY
grep -c "storage failed" "$WORK/gateway.log" | sed 's/^/storage failures logged: /'
