# Sourced by tests/cli/{scan,read,simulate}*.sh after lib.sh: a private "system" dbus-daemon
# for the test (DBUS_SYSTEM_BUS_ADDRESS points at it) and `declouder simulate` on it.
BUS_PID=
SIM_PIDS=()
bus_cleanup() {
  local p
  for p in "${SIM_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$BUS_PID" ]; then kill "$BUS_PID" 2>/dev/null || true; wait "$BUS_PID" 2>/dev/null || true; fi
  SIM_PIDS=()
  BUS_PID=
}
trap 'bus_cleanup; rm -rf "$WORKDIR"' EXIT

# start_bus [CONFIG]: CONFIG is a file in tests/data/dbus (default system-allow-all.conf).
start_bus() {
  local config=${1:-system-allow-all.conf}
  bus_cleanup
  rm -f "$WORKDIR/bus"
  dbus-daemon --config-file="$SOURCE_DIR/tests/data/dbus/$config" --address="unix:path=$WORKDIR/bus" \
    --nofork --nopidfile >"$WORKDIR/dbus.log" 2>&1 &
  BUS_PID=$!
  # Ready when it answers, not when the socket file appears: dbus-daemon binds before it
  # listens. Up to 30 s: a loaded CI machine is slow to start it, and a daemon that dies
  # ends the wait at once.
  local i
  for i in $(seq 600); do
    dbus-send --bus="unix:path=$WORKDIR/bus" --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetId >/dev/null 2>&1 && break
    kill -0 "$BUS_PID" 2>/dev/null || break
    sleep 0.05
  done
  dbus-send --bus="unix:path=$WORKDIR/bus" --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1 || fail "dbus-daemon did not start: $(cat "$WORKDIR/dbus.log")"
  export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$WORKDIR/bus"
}

# start_sim ARGS...: `declouder simulate ARGS` in the background; returns once every device
# it plays said it is ready. Its output goes to $WORKDIR/sim.out and sim.err.
start_sim() {
  local devices=0 a
  for a in "$@"; do case "$a" in --*) ;; *) devices=$((devices + 1)) ;; esac; done
  "$DECLOUDER" simulate "$@" >"$WORKDIR/sim.out" 2>"$WORKDIR/sim.err" &
  SIM_PIDS+=($!)
  local i
  for i in $(seq 600); do  # up to 30 s on a loaded machine; a simulator that exits ends it at once
    [ "$(grep -c '^simulating' "$WORKDIR/sim.out" 2>/dev/null)" -ge 1 ] && break
    kill -0 "${SIM_PIDS[-1]}" 2>/dev/null || fail "declouder simulate $* exited: $(cat "$WORKDIR/sim.err")"
    sleep 0.05
  done
  grep -q '^simulating' "$WORKDIR/sim.out" || fail "declouder simulate $* never became ready"
}

# json_line_where FILE KEY VALUE: the first JSON line whose KEY equals VALUE (a JSON literal).
json_line_where() {
  python3 -c '
import json,sys
for line in open(sys.argv[1]):
    d=json.loads(line)
    if json.dumps(d.get(sys.argv[2]))==sys.argv[3]:
        print(line.strip()); break' "$1" "$2" "$3"
}
