#!/usr/bin/env bash
# `declouder bodybugg simulate` with no file: the armband holds its built-in day of data
# (no path into a source tree, no recording beside the checkout), and the whole path
# works on it: info, download into SQLite, export.
source "$(dirname "$0")/lib/common.sh"

SIM_PID=
trap '[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; rm -rf "$WORKDIR"' EXIT
(cd "$WORKDIR" && exec "$DECLOUDER" bodybugg simulate) > "$WORKDIR/sim.out" 2> "$WORKDIR/sim.err" &
SIM_PID=$!
for _ in $(seq 300); do [ -s "$WORKDIR/sim.out" ] && break; sleep 0.1; done  # up to 30 s on a loaded machine
PORT=$(head -1 "$WORKDIR/sim.out")
[[ "$PORT" == /dev/pts/* ]] || fail "simulator printed no pty path: $(cat "$WORKDIR/sim.err")"

info=$("$DECLOUDER" bodybugg info --port "$PORT" --quiet-ms 150)
grep -q "data held " <<<"$info" || fail "info: $info"
"$DECLOUDER" bodybugg download --port "$PORT" --quiet-ms 150 --database "$WORKDIR/a.db" --output-dir "$WORKDIR" \
  > "$WORKDIR/out" 2>&1 || fail "download: $(cat "$WORKDIR/out")"
grep -q "8 sessions (8 complete); stored 8 new" "$WORKDIR/out" || fail "download: $(cat "$WORKDIR/out")"
csv=$("$DECLOUDER" export --format csv --database "$WORKDIR/a.db" --channel MOVTSKIN)
[ "$(wc -l <<<"$csv")" = 481 ] || fail "MOVTSKIN: expected a header and 480 minutes, got $(wc -l <<<"$csv") lines"
pass
