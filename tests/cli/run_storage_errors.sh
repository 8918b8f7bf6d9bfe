#!/usr/bin/env bash
# The disk misbehaves: the gateway names the file and the fault, keeps what it
# stored, and exits with status 1 (systemd restarts it), never aborting
# (status 134). The database must be a file: "" and :memory: would vanish at exit.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=
DB="$WORKDIR/gateway.db"

# Another program holds the database's write lock (a backup, an sqlite3 shell) for longer
# than SQLite waits (5 s): the weighing in hand cannot be stored.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=0.5,frame_ms=5,clock=2026-11-21T07:00:00,clock_step=60" \
  --database "$DB" 2> "$WORKDIR/locked.err" &
RUN=$!
trap 'kill $RUN 2>/dev/null || true; rm -rf "$WORKDIR"' EXIT
for _ in $(seq 100); do grep -q "stored as #2" "$WORKDIR/locked.err" && break; sleep 0.1; done
grep -q "stored as #2" "$WORKDIR/locked.err" || fail "nothing stored: $(cat "$WORKDIR/locked.err")"
python3 - "$DB" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
time.sleep(12)
c.execute("ROLLBACK")
PY
LOCKER=$!
rc=0
wait $RUN || rc=$?
wait $LOCKER
[ "$rc" = 1 ] || fail "exit status $rc on a locked database, expected 1: $(tail -5 "$WORKDIR/locked.err")"
grep -q "storage failed: database $DB: the database is locked by another program" "$WORKDIR/locked.err" \
  || fail "the failure does not name the file and the fault: $(tail -5 "$WORKDIR/locked.err")"
grep -q "terminate called" "$WORKDIR/locked.err" && fail "aborted: $(tail -5 "$WORKDIR/locked.err")"
# What was stored before is all there, and the gateway starts again on it.
n=$("$DECLOUDER" history --database "$DB" --json | wc -l)
[ "$n" -ge 2 ] || fail "measurements stored before the failure are gone ($n)"

# A file that is not a database: said at once, with the file, status 1.
echo "not a database" > "$WORKDIR/notes.txt"
expect_status 1 "$DECLOUDER" run --simulate "mi-scale-2:weighings=1" --database "$WORKDIR/notes.txt"
expect_stderr_contains "database $WORKDIR/notes.txt: the file is not an SQLite database" \
  "$DECLOUDER" run --simulate "mi-scale-2:weighings=1" --database "$WORKDIR/notes.txt"
[ "$(cat "$WORKDIR/notes.txt")" = "not a database" ] || fail "the file was changed"

# Databases that would vanish, and a directory.
for cmd in "record --weight-kg 70" "run --simulate mi-scale-2:weighings=1"; do
  for db in "" ":memory:"; do
    # shellcheck disable=SC2086
    expect_status 1 "$DECLOUDER" $cmd --database "$db"
    # shellcheck disable=SC2086
    expect_stderr_contains "is not a file: what is stored there would vanish" "$DECLOUDER" $cmd --database "$db"
  done
done
expect_stderr_contains "--database $WORKDIR is a directory" "$DECLOUDER" record --weight-kg 70 --database "$WORKDIR"
pass
