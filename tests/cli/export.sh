#!/usr/bin/env bash
# `declouder export --format csv`: stored armband channels, one row per sample with
# its time; calibration only from data (a CSV file here), never invented.
source "$(dirname "$0")/lib/common.sh"
need_shared fixtures/bodybugg/sample.log

SIM_PID=
trap '[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; rm -rf "$WORKDIR"' EXIT
"$DECLOUDER" bodybugg simulate --pdp "$SHARED/fixtures/bodybugg/sample.log" > "$WORKDIR/sim.out" &
SIM_PID=$!
for _ in $(seq 300); do [ -s "$WORKDIR/sim.out" ] && break; sleep 0.1; done  # up to 30 s on a loaded machine
PORT=$(head -1 "$WORKDIR/sim.out")
db="$WORKDIR/a.db"
"$DECLOUDER" bodybugg download --port "$PORT" --quiet-ms 150 --database "$db" --output-dir "$WORKDIR" >/dev/null 2>&1 \
  || fail "download"

csv=$("$DECLOUDER" export --format csv --database "$db" --channel MOVTSKIN)
[ "$(echo "$csv" | head -1)" = "channel,time,unix_ms,raw,value,unit" ] || fail "header: $(echo "$csv" | head -1)"
[ "$(echo "$csv" | wc -l)" = 486 ] || fail "MOVTSKIN should have 485 rows"
# first sample: 0xFFF = no data (empty raw); then 2178 one minute later (sample.json)
[ "$(echo "$csv" | sed -n 2p)" = "MOVTSKIN,2012-11-19T14:29:18Z,1353335358000,,," ] || fail "row 1: $(echo "$csv" | sed -n 2p)"
[ "$(echo "$csv" | sed -n 3p)" = "MOVTSKIN,2012-11-19T14:30:18Z,1353335418000,2178,," ] || fail "row 2: $(echo "$csv" | sed -n 3p)"
# TIMESTMP rows are button presses with milliseconds
"$DECLOUDER" export --format csv --database "$db" --channel TIMESTMP | grep_all "^TIMESTMP,2012-11-19T16:05:45.120Z,1353341145120,,,$" \
  || fail "TIMESTMP row"

# calibration as data: a made-up linear one, to show value = raw * scale + offset
printf 'channel,scale,offset,unit,source\nMOVTSKIN,0.01,10,degC,test only\n' > "$WORKDIR/cal.csv"
"$DECLOUDER" export --format csv --database "$db" --channel MOVTSKIN --calibration "$WORKDIR/cal.csv" --output "$WORKDIR/out.csv"
[ "$(sed -n 3p "$WORKDIR/out.csv")" = "MOVTSKIN,2012-11-19T14:30:18Z,1353335418000,2178,31.78,degC" ] || fail "calibrated row: $(sed -n 3p "$WORKDIR/out.csv")"

# Without --database: the program's default database (here under XDG_DATA_HOME).
export XDG_DATA_HOME="$WORKDIR/xdg" XDG_CONFIG_HOME="$WORKDIR/xdg-config"
"$DECLOUDER" bodybugg download --port "$PORT" --quiet-ms 150 --output-dir "$WORKDIR/dl2" >/dev/null 2>&1 || fail "download to the default database"
[ -f "$WORKDIR/xdg/declouder/declouder.db" ] || fail "no default database created"
[ "$("$DECLOUDER" export --format csv --channel EE | wc -l)" = 486 ] || fail "export from the default database"

expect_status 2 "$DECLOUDER" export --format xml --database "$db"
expect_status 2 "$DECLOUDER" export --database "$db"
expect_stderr_contains "no such channel" "$DECLOUDER" export --format csv --database "$db" --channel NOPE
expect_stderr_contains "no such database" "$DECLOUDER" export --format csv --database "$WORKDIR/none.db"
pass
