#!/usr/bin/env bash
# Brokers that are not there the way a network fails them, one after the other on the
# same port while one `run` keeps its weighing waiting in SQLite:
#   - a black hole: the port accepts the connection and never answers (a half-dead
#     broker host, a proxy with nothing behind it);
#   - a port that accepts and closes at once;
#   - then a real Mosquitto on that port: the weighing arrives, exactly once.
# Each failure is one log line naming the broker and the reason, followed by a longer
# wait than the one before. [mqtt] keepalive_seconds = 5 (the least libmosquitto takes)
# bounds the wait for an answer, so this takes seconds, not the default 30 s.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"
URL="mqtt://127.0.0.1:$BROKER_PORT"
HA="$WORKDIR/household.txt"
ERR="$WORKDIR/run.err"

# Home Assistant's persistent session, so the broker keeps what arrives for it.
broker_start
start_household_subscriber "$HA" 'declouder/scales/+/measurement'
wait_until 10 grep -q "household-$$" "$BROKER_DIR/mosquitto.log" || true
broker_stop

# fake_broker MODE: on the broker's port, "hole" accepts and never answers, "close"
# accepts and closes at once. Prints nothing; its pid goes to FAKE.
fake_broker() {
  python3 - "$BROKER_PORT" "$1" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
held = []
while True:
    c, _ = s.accept()
    if sys.argv[2] == "close": c.close()
    else: held.append(c)  # read nothing, answer nothing
PY
  FAKE=$!
  TEST_PIDS+=($FAKE)
  wait_until 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $BROKER_PORT), 0.2).close()" \
    || fail "the $1 port did not come up"
}
stop_fake() { kill "$FAKE" 2>/dev/null; wait "$FAKE" 2>/dev/null || true; }

printf '[mqtt]\nurl = "%s"\nkeepalive_seconds = 5\n' "$URL" > "$WORKDIR/config.toml"
fake_broker hole
"$DECLOUDER" run --config "$WORKDIR/config.toml" --database "$WORKDIR/d.db" --gateway-id hall \
  --simulate "mi-scale-2:address=5C:CA:D3:00:00:0B,weighings=1,frame_ms=10,weights=71.5" 2> "$ERR" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 20 grep -q "measurement 71.5 kg" "$ERR" || fail "not stored while no broker answered: $(cat "$ERR")"
wait_until 20 grep -q "MQTT broker $URL: cannot connect: no answer within 5 s (a firewall dropping packets? the wrong host?); trying again in 1 s$" "$ERR" \
  || fail "a black hole is not one line naming the broker and the reason: $(cat "$ERR")"
stop_fake
fake_broker close
wait_until 20 grep -q "MQTT broker $URL: cannot connect: the broker closed the connection before answering (a TLS port? that is mqtts://); trying again in [2-9] s$" "$ERR" \
  || fail "a port that closes at once is not one line, or not a longer wait: $(cat "$ERR")"
stop_fake
broker_start
wait_exit $RUN 60 || fail "run did not finish once a real broker was on the port: $(tail -5 "$ERR")"
grep -q "MQTT connected to $URL" "$ERR" || fail "never connected: $(cat "$ERR")"
wait_until 10 at_least "$HA" 'declouder/scales/5ccad300000b/measurement' 1 || fail "the weighing was lost: $(cat "$HA")"
sleep 0.5
[ "$(count_lines "$HA" 'declouder/scales/5ccad300000b/measurement')" = 1 ] || fail "delivered more than once: $(cat "$HA")"
# Nothing but one line per failed attempt, each naming the broker.
grep "cannot connect" "$ERR" | grep -qv "^.*MQTT broker $URL: cannot connect: .*; trying again in [0-9.]* s$" \
  && fail "a failure line that is not one line naming the broker: $(grep "cannot connect" "$ERR")"
# Waits grow: 1 s, then 2 s or more (doubling, capped at 30 s).
waits=$(sed -n 's/.*cannot connect: .*; trying again in \([0-9.]*\) s$/\1/p' "$ERR" | tr '\n' ' ')
python3 -c 'import sys; w=[float(x) for x in sys.argv[1:]]; sys.exit(0 if len(w) >= 2 and all(b >= a for a, b in zip(w, w[1:])) and w[-1] > w[0] else 1)' $waits \
  || fail "the waits between attempts do not grow: $waits"
pass
