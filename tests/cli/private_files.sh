#!/usr/bin/env bash
# Health data is private whatever the umask: the database (and its -wal and
# -shm), the data directory, JSON lines and CSV exports are readable by their
# owner only.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=
umask 000
mode() { stat -c %a "$1"; }

"$DECLOUDER" run --simulate "mi-scale-2:weighings=1,frame_ms=5" --jsonl "$WORKDIR/w.jsonl" 2> "$WORKDIR/run.err" \
  || fail "run failed: $(cat "$WORKDIR/run.err")"
DATA="$HOME/.local/share/declouder"
[ "$(mode "$DATA")" = 700 ] || fail "$DATA is $(mode "$DATA")"
[ "$(mode "$HOME/.local/share")" = 700 ] || fail "$HOME/.local/share is $(mode "$HOME/.local/share")"
[ "$(mode "$DATA/declouder.db")" = 600 ] || fail "the database is $(mode "$DATA/declouder.db")"
[ "$(mode "$WORKDIR/w.jsonl")" = 600 ] || fail "the JSON lines are $(mode "$WORKDIR/w.jsonl")"
[ -s "$WORKDIR/w.jsonl" ] || fail "no JSON line written"

# While a process has it open, SQLite's -wal and -shm exist: same mode as the database.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=3600" 2> "$WORKDIR/run2.err" &
RUN=$!
trap 'kill $RUN 2>/dev/null || true; rm -rf "$WORKDIR"' EXIT
for _ in $(seq 100); do [ -e "$DATA/declouder.db-wal" ] && [ -e "$DATA/declouder.db-shm" ] && break; sleep 0.1; done
[ "$(mode "$DATA/declouder.db-wal")" = 600 ] || fail "the -wal is $(mode "$DATA/declouder.db-wal")"
[ "$(mode "$DATA/declouder.db-shm")" = 600 ] || fail "the -shm is $(mode "$DATA/declouder.db-shm")"
kill -TERM $RUN
wait $RUN || fail "run did not stop cleanly"

"$DECLOUDER" export --format csv --output "$WORKDIR/a.csv" 2> "$WORKDIR/export.err" || fail "export failed: $(cat "$WORKDIR/export.err")"
[ "$(mode "$WORKDIR/a.csv")" = 600 ] || fail "the CSV export is $(mode "$WORKDIR/a.csv")"
pass
