# A real Mosquitto broker for the gateway tests, on a free loopback port, with
# persistence on (as Debian's default configuration has it), so it can be
# stopped and started again mid-test like a broker that reboots.
# Source after lib.sh. Sets BROKER_PORT; broker_stop / broker_start / broker_cleanup.

BROKER_DIR="$WORKDIR/broker"
mkdir -p "$BROKER_DIR"
BROKER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BROKER_PID=
cat > "$BROKER_DIR/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
user $(id -un)
persistence true
persistence_location $BROKER_DIR/
log_dest file $BROKER_DIR/mosquitto.log
CONF

broker_start() {
  mosquitto -c "$BROKER_DIR/mosquitto.conf" >/dev/null 2>&1 &
  BROKER_PID=$!
  # Wait (bounded) until it accepts connections.
  python3 - "$BROKER_PORT" <<'PY' || fail "mosquitto did not start on port $BROKER_PORT"
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

broker_stop() {
  [ -n "$BROKER_PID" ] || return 0
  kill -TERM "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=
}

# Processes the test started, stopped by id at exit.
TEST_PIDS=()
cleanup_processes() {
  for pid in "${TEST_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${TEST_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  broker_stop
  rm -rf "$WORKDIR"
}
trap cleanup_processes EXIT

# The "Home Assistant" of the test: a persistent QoS 2 subscriber that survives
# broker restarts (mosquitto_sub reconnects and the broker keeps its session).
# It records what was published (-R): the states are retained, and the retained
# copies a broker resends when the subscriber subscribes again are not new
# deliveries (tests/cli/home_assistant.sh reads the retained set itself).
start_household_subscriber() {  # FILE TOPIC...
  local out=$1; shift
  local args=()
  for t in "$@"; do args+=(-t "$t"); done
  mosquitto_sub -p "$BROKER_PORT" -i "household-$$" -c -q 2 -v -R "${args[@]}" > "$out" 2>/dev/null &
  TEST_PIDS+=($!)
}

# wait_until SECONDS COMMAND...: polls (bounded) until COMMAND succeeds.
wait_until() {
  local limit=$1; shift
  local tries=$((limit * 10))
  while ! "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.1
  done
}

# count_lines FILE PATTERN
count_lines() { grep -c -- "$2" "$1" 2>/dev/null || true; }
at_least() { [ "$(count_lines "$1" "$2")" -ge "$3" ]; }

# wait_exit PID SECONDS: waits for a background process; fails the test if it does not end.
wait_exit() {
  local pid=$1 limit=$2
  wait_until "$limit" bash -c "! kill -0 $pid" || fail "process $pid still running after ${limit}s"
  local rc=0
  wait "$pid" || rc=$?
  return $rc
}
