#!/usr/bin/env bash
# `declouder run` downloads a Mi Scale v1's stored history when the scale wakes (through the
# real BlueZ client, against `declouder simulate` playing org.bluez on a private bus): the
# weighings the scale kept while no gateway heard it are stored with the scale's own time, and
# those its adverts already gave are recognised, not stored twice. A second gateway run finds
# only the weighings the first one heard live in the scale's history: all repeats.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"
source "$(dirname "$0")/lib/broker.sh"
trap 'bus_cleanup; cleanup_processes' EXIT

MI=88:0F:10:5A:00:01
start_bus
start_sim mi-scale --weight 80.5  # it remembers three weighings of the days before: 81.1, 80.9, 80.7 kg

gateway() {  # NAME: a run until the scale's history was downloaded and a live weighing heard
  "$DECLOUDER" run --adapter hci0 --database "$WORKDIR/home.db" --jsonl "$WORKDIR/$1.jsonl" \
    >/dev/null 2>"$WORKDIR/$1.err" &
  local pid=$!
  TEST_PIDS+=($pid)
  wait_until 60 grep -q "conversation done" "$WORKDIR/$1.err" ||
    fail "$1: the history was not downloaded: $(cat "$WORKDIR/$1.err")"
  wait_until 30 grep -q '"weight_kg":80.5' "$WORKDIR/$1.jsonl" || fail "$1: no live weighing: $(cat "$WORKDIR/$1.err")"
  sleep 2
  kill -TERM $pid
  wait_exit $pid 30 || fail "$1 did not stop: $(tail -3 "$WORKDIR/$1.err")"
}

gateway first
grep -q "talking to MI_SCALE $MI (xiaomi-mi-scale)" "$WORKDIR/first.err" ||
  fail "run did not ask the scale for its history by itself: $(cat "$WORKDIR/first.err")"
for kg in 81.1 80.9 80.7; do
  line=$(grep "\"weight_kg\":$kg," "$WORKDIR/first.jsonl") || fail "the stored $kg kg weighing was lost: $(cat "$WORKDIR/first.jsonl")"
  # Measured when the scale says, a day or more before: not when it was downloaded.
  python3 -c 'import json,sys,time,calendar
d=json.loads(sys.argv[1]); t=calendar.timegm(time.strptime(d["time"], "%Y-%m-%dT%H:%M:%SZ"))
sys.exit(0 if time.time() - t > 86000 else 1)' "$line" || fail "the stored weighing has the download's time: $line"
done
live_first=$(grep -c '"weight_kg":80.5' "$WORKDIR/first.jsonl")

# The live weighings the first run heard are in the scale's history now, still new for this
# gateway's user id: the second run downloads them and recognises every one.
gateway second
downloaded=$(sed -n 's/.*conversation done, \([0-9]*\) reading.*/\1/p' "$WORKDIR/second.err" | head -1)
[ "${downloaded:-0}" -ge "$live_first" ] ||
  fail "the second run's download lacks the $live_first weighings heard live: $(cat "$WORKDIR/second.err")"
"$DECLOUDER" history --database "$WORKDIR/home.db" --json >"$WORKDIR/history.json" || fail "history failed"
python3 - "$WORKDIR/history.json" <<'EOF' || fail "a weighing was stored twice: $(cat "$WORKDIR/history.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = [(r["device_time"], r["weight_kg"]) for r in rows]
assert len(keys) == len(set(keys)), keys
assert len(rows) >= 4, rows
EOF
pass
