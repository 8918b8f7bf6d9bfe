#!/usr/bin/env bash
# The BodyBugg download end to end over a real pseudo-terminal: the simulated
# armband holds the public sample dump; the download keeps the raw .log, stores
# the sessions in SQLite, and only then clears the armband and sets its clocks.
source "$(dirname "$0")/lib/common.sh"
need_shared fixtures/bodybugg/sample.log

SIM_PID=
start_sim() {
  # The redirection below truncates sim.out in the background child, some time after this
  # shell goes on: the previous simulator's port must be gone before the wait looks at it.
  rm -f "$WORKDIR/sim.out"
  "$DECLOUDER" bodybugg simulate --pdp "$SHARED/fixtures/bodybugg/sample.log" "$@" > "$WORKDIR/sim.out" &
  SIM_PID=$!
  for _ in $(seq 300); do [ -s "$WORKDIR/sim.out" ] && break; sleep 0.1; done  # up to 30 s on a loaded machine
  PORT=$(head -1 "$WORKDIR/sim.out")
  [[ "$PORT" == /dev/pts/* ]] || fail "simulator printed no pty path"
}
stop_sim() { [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=; }
trap 'stop_sim; rm -rf "$WORKDIR"' EXIT
# Silence ends an answer on the line transport: generous, so a loaded CI machine
# that pauses the simulator mid-answer is not taken for the end of the answer.
FAST="--quiet-ms 400"

for transport in line framed; do
  out="$WORKDIR/$transport"; mkdir -p "$out"
  db="$out/armband.db"
  # When 'file init' arrives, the armband copies the database file alone (no -wal):
  # what a power cut right after the clear would leave if only the file were synced.
  start_sim --transport "$transport" --on-clear "cp '$db' '$out/at-clear.db'"

  info=$("$DECLOUDER" bodybugg info --port "$PORT" --transport "$transport" $FAST)
  [[ "$info" == *"last data update   2012-11-19T14:29:18Z (1353335358)"* ]] || fail "$transport info: $info"
  [[ "$info" == *"data held          42225 bytes"* ]] || fail "$transport info lacks the data size: $info"

  "$DECLOUDER" bodybugg download --port "$PORT" --transport "$transport" $FAST --database "$db" \
      --output-dir "$out" --clear --raw-log "$out/raw.txt" > "$out/stdout" 2> "$out/stderr" \
    || fail "$transport download failed: $(cat "$out/stderr")"
  cmp -s "$out/1353335358.log" "$SHARED/fixtures/bodybugg/sample.log" || fail "$transport: raw dump differs from what the armband sent"
  grep -q "100% 42225/42225 bytes" "$out/stderr" || fail "$transport: no progress bar: $(cat "$out/stderr")"
  grep -q "29 sessions (29 complete); stored 29 new (13097 samples)" "$out/stdout" || fail "$transport: $(cat "$out/stdout")"
  grep -q "cleared the armband" "$out/stdout" || fail "$transport: not cleared"
  # the first command, 'get lastdataupdate', as bytes on the wire
  if [ "$transport" = line ]; then first=" > 67 65 74 20 6c 61 73 74"; else first=" > ab 03 3c 00 00 00 00 0e ff ff ff ff 81 00 67 65 74"; fi
  grep -q "$first" "$out/raw.txt" || fail "$transport: raw log lacks the bytes sent"

  # The armband now holds nothing and its clocks read now.
  info=$("$DECLOUDER" bodybugg info --port "$PORT" --transport "$transport" $FAST)
  [[ "$info" == *"data held          0 bytes"* ]] || fail "$transport: armband not cleared: $info"
  [[ "$info" != *"2012-11-19"* ]] || fail "$transport: last data update not reset: $info"
  # Set to now: within a few seconds (reading the clock back takes the silence
  # that ends an answer, and a loaded machine adds more), not its 2012 value.
  offset=$(sed -n 's/^clock .*(\([-+][0-9]*\) s against this computer).*/\1/p' <<<"$info")
  [ -n "$offset" ] && [ "${offset#[-+]}" -le 5 ] || fail "$transport: clock not set: $info"

  # What was stored: 27 channels x 485 samples + 2 button presses.
  rows=$("$DECLOUDER" export --format csv --database "$db" | tail -n +2 | wc -l)
  [ "$rows" = 13097 ] || fail "$transport: export has $rows rows"
  # ...and all of it was in the database file itself when 'file init' arrived.
  [ -f "$out/at-clear.db" ] || fail "$transport: the simulator never saw 'file init'"
  rows=$("$DECLOUDER" export --format csv --database "$out/at-clear.db" | tail -n +2 | wc -l)
  [ "$rows" = 13097 ] || fail "$transport: when 'file init' arrived the database file held $rows of 13097 rows"
  stop_sim
done

# A download that breaks (the cable pulled after 5000 bytes) leaves the armband
# untouched, keeps what arrived, stores only whole sessions, and says so.
start_sim --break-after 5000
out="$WORKDIR/broken"; mkdir -p "$out"
rc=0
"$DECLOUDER" bodybugg download --port "$PORT" $FAST --stall-ms 1000 --database "$out/a.db" --output-dir "$out" --clear \
  > "$out/stdout" 2> "$out/stderr" || rc=$?
[ "$rc" = 1 ] || fail "broken download exit $rc, expected 1"
grep -q "NOT cleared" "$out/stderr" || fail "broken download does not say the armband was left alone: $(cat "$out/stderr")"
grep -q "saved 5000 bytes to $out/1353335358.log" "$out/stdout" || fail "broken download: $(cat "$out/stdout")"
grep -q "stored 3 new" "$out/stdout" || fail "broken download should store the 3 whole sessions: $(cat "$out/stdout")"
info=$("$DECLOUDER" bodybugg info --port "$PORT" $FAST)
[[ "$info" == *"data held          42225 bytes"* ]] || fail "broken download touched the armband: $info"
[[ "$info" == *"(1353335358)"* ]] || fail "broken download changed the last data update: $info"
# ...and the next download completes without duplicating, next to the first .log.
"$DECLOUDER" bodybugg download --port "$PORT" $FAST --database "$out/a.db" --output-dir "$out" > "$out/stdout2" 2>/dev/null \
  || fail "second download failed"
grep -q "stored 26 new (11642 samples), 3 already" "$out/stdout2" || fail "second download: $(cat "$out/stdout2")"
[ -f "$out/1353335358-2.log" ] || fail "the first, partial .log was overwritten"

# records: the seed's table; record define is checked before it is sent
"$DECLOUDER" bodybugg records --port "$PORT" $FAST | grep_all -E "V6RES4 +1920 +60s +9 FCOUNT F0CROSS FWPEAKS MOVGSR EE" \
  || fail "records table"
"$DECLOUDER" bodybugg records --port "$PORT" $FAST --define "4 20 SKIN30 960 9 14 4" --commit | grep_all -E "SKIN30 +960 +30s +4 MOVTSKIN MOVTCOV" \
  || fail "record define + commit"
expect_stderr_contains "take 4 bytes" "$DECLOUDER" bodybugg records --port "$PORT" --define "4 20 SKIN30 960 9 14 5"
"$DECLOUDER" bodybugg records --port "$PORT" $FAST --channels | grep_all "^ 40 COMPGSR$" || fail "channel show"

# clear needs --yes; set-clock
expect_status 2 "$DECLOUDER" bodybugg clear --port "$PORT"
"$DECLOUDER" bodybugg set-clock --port "$PORT" $FAST --time 1700000000 | grep_all "it now reads 2023-11-14T22:13:2" \
  || fail "set-clock"
stop_sim

# The cable goes while the armband is being cleared ('file init' arrives, then the armband
# is gone): the download is already stored, and the command must not claim the armband was
# left untouched; it exits 1 and says where the data is.
start_sim --on-clear 'kill -9 $PPID'
out="$WORKDIR/cut-at-clear"; mkdir -p "$out"
rc=0
"$DECLOUDER" bodybugg download --port "$PORT" $FAST --stall-ms 1000 --database "$out/a.db" --output-dir "$out" --clear \
  > "$out/stdout" 2> "$out/stderr" || rc=$?
wait "$SIM_PID" 2>/dev/null || true; SIM_PID=
[ "$rc" = 1 ] || fail "a link cut while clearing: exit $rc, expected 1: $(cat "$out/stderr")"
grep -q "stored 29 new (13097 samples)" "$out/stdout" || fail "a link cut while clearing: $(cat "$out/stdout")"
grep -q "may have been cleared" "$out/stderr" || fail "a link cut while clearing: $(cat "$out/stderr")"
! grep -q "not changed\|NOT cleared" "$out/stderr" || fail "a link cut while clearing claims the armband was untouched: $(cat "$out/stderr")"
grep -q "$out/1353335358.log" "$out/stderr" || fail "a link cut while clearing does not name the raw log: $(cat "$out/stderr")"

# no device on the port: a clear error, exit 1; no port: exit 2
expect_status 2 "$DECLOUDER" bodybugg download --database "$WORKDIR/x.db"
expect_stderr_contains "/dev/nonexistent" "$DECLOUDER" bodybugg info --port /dev/nonexistent
touch "$WORKDIR/plain.txt"
expect_stderr_contains "not a serial port" "$DECLOUDER" bodybugg info --port "$WORKDIR/plain.txt"
pass
