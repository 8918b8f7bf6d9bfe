#!/usr/bin/env bash
# `declouder run` as a newcomer meets it: no Bluetooth adapter here, so one
# line says so and it runs against simulated devices, labelled as such; each
# measurement is stored, logged and (with --jsonl) written as a JSON line; a
# SIGTERM stops it cleanly; mistakes on the command line are named.
source "$(dirname "$0")/lib/common.sh"

DB="$WORKDIR/run.db"

# A finite simulated run: two weighings, JSON lines on stdout, log on stderr.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=2,interval=0.2,frame_ms=5,clock=2026-11-21T07:00:00" \
  --database "$DB" --jsonl - > "$WORKDIR/out.jsonl" 2> "$WORKDIR/err.txt" || fail "run failed: $(cat "$WORKDIR/err.txt")"
[ "$(wc -l < "$WORKDIR/out.jsonl")" -eq 2 ] || fail "expected 2 JSON lines, got: $(cat "$WORKDIR/out.jsonl")"
first=$(head -1 "$WORKDIR/out.jsonl")
expect_json "$first" '.weight_kg' '72.45'
expect_json "$first" '.impedance_ohm' '503'
expect_json "$first" '.device_time' '"2026-11-21T07:00:00"'
expect_json "$first" '.source' '"simulated:mi-scale-2"'
expect_json "$first" '.model' '"xiaomi-mi-scale-2"'
grep -q "\[SIMULATED\] measurement 72.45 kg" "$WORKDIR/err.txt" || fail "measurement not logged as simulated: $(cat "$WORKDIR/err.txt")"
grep -q "listening: SIMULATED" "$WORKDIR/err.txt" || fail "no listening line"
[ -s "$DB" ] || fail "no database file"

# JSON lines appended to a file. The scale re-advertising a weighing already
# stored (same clock, same weight) is not a new measurement; a later one is.
for clock in 2026-11-21T08:00:00 2026-11-21T08:00:00 2026-11-21T09:00:00; do
  "$DECLOUDER" run --simulate "mi-scale-2:weighings=1,frame_ms=5,clock=$clock" --database "$DB" --jsonl "$WORKDIR/m.jsonl" 2>/dev/null
done
[ "$(wc -l < "$WORKDIR/m.jsonl")" -eq 2 ] || fail "expected 2 lines (one repeat ignored): $(cat "$WORKDIR/m.jsonl")"

# The plain command on a machine without an adapter: one line says so, then simulated devices.
if [ -z "$(ls /sys/class/bluetooth 2>/dev/null)" ]; then
  HOME="$WORKDIR/home" "$DECLOUDER" run > /dev/null 2> "$WORKDIR/plain.txt" &
  pid=$!
  for _ in $(seq 100); do grep -q "listening" "$WORKDIR/plain.txt" && break; sleep 0.05; done
  kill -TERM $pid
  rc=0; wait $pid || rc=$?
  [ "$rc" = 0 ] || fail "SIGTERM: exit status $rc"
  [ "$(grep -c "no Bluetooth adapter" "$WORKDIR/plain.txt")" = 1 ] || fail "the missing adapter is not said in one line: $(cat "$WORKDIR/plain.txt")"
  grep -q "SIMULATED devices" "$WORKDIR/plain.txt" || fail "simulation not announced loudly"
  grep -q "stopping (SIGTERM)" "$WORKDIR/plain.txt" || fail "no clean stop"
  [ -s "$WORKDIR/home/.local/share/declouder/declouder.db" ] || fail "default database not created under ~/.local/share/declouder"
fi

# systemd Type=notify: READY=1 once listening, STOPPING=1 on SIGTERM, on $NOTIFY_SOCKET.
python3 - "$DECLOUDER" "$WORKDIR" <<'PY' || fail "systemd notification protocol"
import os, signal, socket, subprocess, sys
exe, work = sys.argv[1:3]
path = os.path.join(work, "notify.sock")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path); s.settimeout(10)
p = subprocess.Popen([exe, "run", "--simulate", "mi-scale-2:weighings=0,interval=3600", "--database", os.path.join(work, "n.db")],
                     env={**os.environ, "NOTIFY_SOCKET": path}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = [s.recv(256).decode()]
p.send_signal(signal.SIGTERM)
got.append(s.recv(256).decode())
rc = p.wait(timeout=10)
if got != ["READY=1", "STOPPING=1"] or rc != 0: sys.exit(f"got {got}, exit {rc}")
PY

# The other simulators (src/sim/) as in-process sources: a Mi Scale v1 weighing (and the
# weighings it stored before, which `run` downloads from it: tests/cli/run_mi_scale_history.sh).
"$DECLOUDER" run --simulate "mi-scale:weight=80.5" --database "$WORKDIR/v1.db" --jsonl "$WORKDIR/v1.jsonl" 2> "$WORKDIR/v1.err" &
pid=$!
for _ in $(seq 400); do grep -q '"weight_kg":80.5,' "$WORKDIR/v1.jsonl" 2>/dev/null && break; sleep 0.05; done
kill -TERM $pid; wait $pid || true
live=$(grep '"weight_kg":80.5,' "$WORKDIR/v1.jsonl" | head -1) || fail "no measurement from the simulated Mi Scale v1: $(cat "$WORKDIR/v1.err")"
expect_json "$live" '.source' '"simulated:mi-scale"'
expect_stderr_contains "not a simulated device (known:" "$DECLOUDER" run --simulate toaster --database "$DB"

# Mistakes: exit 2, one line naming the argument; a config error: exit 1 naming the file and key.
expect_status 2 "$DECLOUDER" run --bogus
expect_stderr_contains "unknown option --bogus" "$DECLOUDER" run --bogus
expect_stderr_contains "--mqtt" "$DECLOUDER" run --simulate mi-scale-2:weighings=1 --database "$DB" --mqtt http://x
expect_stderr_contains "colour" "$DECLOUDER" run --simulate mi-scale-2:colour=red --database "$DB"
expect_stderr_contains "--gateway-id" "$DECLOUDER" run --gateway-id a/b --database "$DB"
printf '[mqtt]\nhost = "x"\n' > "$WORKDIR/bad.toml"
expect_status 1 "$DECLOUDER" run --config "$WORKDIR/bad.toml" --database "$DB"
expect_stderr_contains "unknown key 'host'" "$DECLOUDER" run --config "$WORKDIR/bad.toml" --database "$DB"
expect_stderr_contains "bad.toml" "$DECLOUDER" run --config "$WORKDIR/bad.toml" --database "$DB"
"$DECLOUDER" run --help | grep_all -- "--gateway-id" || fail "run --help does not explain --gateway-id"
"$DECLOUDER" --help | grep_all "run" || fail "--help does not list run"
pass
