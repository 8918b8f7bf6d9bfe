#!/usr/bin/env bash
# The broker misbehaves the way it does at home, against a real Mosquitto:
#   - it is not up yet when declouder starts (the Raspberry Pi booted first):
#     declouder keeps trying, with one log line per failed attempt naming the
#     broker and why, and delivers once the broker is there, exactly once;
#   - mqtts:// spoken to a plain port, and a port that closes at once: each
#     attempt fails with a line that says so, and is tried again;
#   - an IPv6 broker, mqtt://[::1]:PORT.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"
URL="mqtt://127.0.0.1:$BROKER_PORT"
HA="$WORKDIR/household.txt"

# Home Assistant's persistent session exists before the outage, so the broker
# keeps what arrives for it while it reconnects.
broker_start
start_household_subscriber "$HA" 'declouder/scales/+/measurement'
wait_until 10 grep -q "household-$$" "$BROKER_DIR/mosquitto.log" || true
broker_stop

"$DECLOUDER" run --simulate "mi-scale-2:address=5C:CA:D3:00:00:09,weighings=1,frame_ms=10,weights=70.5" \
  --mqtt "$URL" --database "$WORKDIR/late.db" --gateway-id bathroom 2> "$WORKDIR/late.err" &
LATE=$!
TEST_PIDS+=($LATE)
wait_until 20 at_least "$WORKDIR/late.err" "MQTT broker $URL: cannot connect: connection refused" 2 \
  || fail "failed attempts are not retried and logged: $(cat "$WORKDIR/late.err")"
wait_until 20 grep -q "measurement 70.5 kg" "$WORKDIR/late.err" || fail "not stored while the broker was down: $(cat "$WORKDIR/late.err")"
grep -q "trying again in 1 s" "$WORKDIR/late.err" || fail "no backoff said: $(cat "$WORKDIR/late.err")"
broker_start
wait_exit $LATE 60 || fail "run did not finish once the broker came: $(tail -5 "$WORKDIR/late.err")"
grep -q "MQTT connected to $URL" "$WORKDIR/late.err" || fail "never connected: $(cat "$WORKDIR/late.err")"
wait_until 10 at_least "$HA" 'declouder/scales/5ccad3000009/measurement' 1 || fail "the weighing never reached the broker"
sleep 0.5
[ "$(count_lines "$HA" 'declouder/scales/5ccad3000009/measurement')" = 1 ] || fail "delivered more than once: $(cat "$HA")"
# One line per failure: every failed attempt is a line of its own, nothing else about it.
grep "cannot connect" "$WORKDIR/late.err" | grep -qv "^.*MQTT broker $URL: cannot connect: connection refused (nothing listens on port $BROKER_PORT); trying again in [0-9.]* s$" \
  && fail "a failure line is not the one expected: $(grep "cannot connect" "$WORKDIR/late.err")"

# mqtts:// to the plain broker: the TLS handshake fails, and says where to look.
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=100" --mqtt "mqtts://127.0.0.1:$BROKER_PORT" \
  --database "$WORKDIR/tls.db" --gateway-id hall 2> "$WORKDIR/tls.err" &
TLS=$!
TEST_PIDS+=($TLS)
wait_until 20 at_least "$WORKDIR/tls.err" "MQTT broker mqtts://127.0.0.1:$BROKER_PORT: cannot connect: .*TLS" 2 \
  || fail "mqtts:// to a plain port is not reported and retried: $(cat "$WORKDIR/tls.err")"
grep -q "mqtts:// needs one, a plain port is mqtt://" "$WORKDIR/tls.err" || fail "no hint: $(cat "$WORKDIR/tls.err")"
kill -TERM $TLS
wait_exit $TLS 15 || fail "did not stop cleanly while retrying"

# A port that accepts and closes at once.
CLOSER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$CLOSER_PORT" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
while True:
    c, _ = s.accept(); c.close()
PY
TEST_PIDS+=($!)
wait_until 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $CLOSER_PORT), 0.2).close()"
"$DECLOUDER" run --simulate "mi-scale-2:weighings=0,interval=100" --mqtt "mqtt://127.0.0.1:$CLOSER_PORT" \
  --database "$WORKDIR/closer.db" --gateway-id hall 2> "$WORKDIR/closer.err" &
CLOSER=$!
TEST_PIDS+=($CLOSER)
wait_until 20 at_least "$WORKDIR/closer.err" "MQTT broker mqtt://127.0.0.1:$CLOSER_PORT: cannot connect: the broker closed the connection before answering" 2 \
  || fail "a port that closes at once is not reported and retried: $(cat "$WORKDIR/closer.err")"
kill -TERM $CLOSER
wait_exit $CLOSER 15 || fail "did not stop cleanly"

# IPv6: the address in brackets, shown as written.
V6_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
printf 'listener %s ::1\nallow_anonymous true\nuser %s\n' "$V6_PORT" "$(id -un)" > "$WORKDIR/v6.conf"
mosquitto -c "$WORKDIR/v6.conf" > /dev/null 2>&1 &
TEST_PIDS+=($!)
wait_until 10 python3 -c "import socket; socket.create_connection(('::1', $V6_PORT), 0.2).close()" || fail "no IPv6 broker"
"$DECLOUDER" run --simulate "mi-scale-2:weighings=1,frame_ms=10,weights=70.5" --mqtt "mqtt://[::1]:$V6_PORT" \
  --database "$WORKDIR/v6.db" --gateway-id hall 2> "$WORKDIR/v6.err" || fail "run over IPv6 failed: $(cat "$WORKDIR/v6.err")"
grep -q "MQTT connected to mqtt://\[::1\]:$V6_PORT as" "$WORKDIR/v6.err" || fail "not connected over IPv6: $(cat "$WORKDIR/v6.err")"
pass
