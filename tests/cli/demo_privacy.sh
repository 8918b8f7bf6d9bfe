#!/usr/bin/env bash
# What the README and scripts/run.sh start for trying declouder carries health data, so
# other users of the machine must not read it:
#   - the demo broker (scripts/demo-broker.sh): loopback only, no anonymous clients, one
#     user with a random password, its files 0600 in a 0700 directory; the demo gateway
#     (as scripts/run.sh starts it) delivers to it, and only that user can listen;
#   - the private bus of "Bluetooth without a radio" (tests/data/dbus/system-this-user.conf):
#     only the user who started it may connect.
# Whether another user is kept out is tried as "nobody" when the test runs as root.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; bus_cleanup; rm -rf "$WORKDIR"' EXIT
as_other_user() { runuser -u nobody -- "$@"; }
root=false; [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && root=true
# Let "nobody" walk to what is tried (mktemp made the work directory 0700): what keeps
# it out below is then the broker's and the bus's own protection, not this directory.
chmod 755 "$WORKDIR"

# --- the demo broker
DEMO="$WORKDIR/demo"
port=$("$SOURCE_DIR/scripts/demo-broker.sh" "$DEMO")
[ "$(stat -c %a "$DEMO")" = 700 ] || fail "the demo broker's directory is $(stat -c %a "$DEMO")"
for f in mqtt-password passwd acl mosquitto.conf mosquitto_sub; do
  [ "$(stat -c %a "$DEMO/$f")" = 600 ] || fail "$f is $(stat -c %a "$DEMO/$f"), not 0600"
done
password=$(cat "$DEMO/mqtt-password")
grep -q "$password" "$DEMO/passwd" && fail "the broker's password file holds the password, not its hash"
grep -q "^listener $port 127.0.0.1$" "$DEMO/mosquitto.conf" || fail "not on loopback only: $(cat "$DEMO/mosquitto.conf")"
mosquitto -c "$DEMO/mosquitto.conf" > "$WORKDIR/mosquitto.log" 2>&1 &
PIDS+=($!)
wait_for_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
wait_for_port || fail "the demo broker did not start: $(cat "$WORKDIR/mosquitto.log")"

# The demo user listens (options from its 0600 file: no password on a command line) ...
XDG_CONFIG_HOME="$DEMO" mosquitto_sub -t 'declouder/#' -v > "$WORKDIR/demo.txt" 2>"$WORKDIR/demo.err" &
PIDS+=($!)
# ... anyone else, without the password, is refused.
rc=0; timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -t '#' -C 1 > "$WORKDIR/anon.txt" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "not authorised" "$WORKDIR/anon.txt" || fail "an anonymous client may subscribe (exit $rc): $(cat "$WORKDIR/anon.txt")"
rc=0; timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -u demo -P wrong -t '#' -C 1 > "$WORKDIR/wrong.txt" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "a wrong password may subscribe"
if $root; then
  as_other_user cat "$DEMO/mqtt-password" 2>/dev/null && fail "another user reads the demo password"
  as_other_user cat "$DEMO/mosquitto_sub" 2>/dev/null && fail "another user reads the demo subscriber's options"
fi

# The demo gateway as scripts/run.sh starts it: its weighing reaches the demo user.
DECLOUDER_MQTT_PASSWORD=$password timeout 60 "$DECLOUDER" run --config "$SOURCE_DIR/config/demo.toml" \
  --database "$WORKDIR/demo.db" --mqtt "mqtt://demo@127.0.0.1:$port" \
  --simulate "mi-scale-2:address=5C:CA:D3:00:00:0C,weighings=1,frame_ms=10,weights=72.5" 2> "$WORKDIR/run.err" \
  || fail "the demo gateway failed: $(cat "$WORKDIR/run.err")"
grep -q "MQTT connected to mqtt://127.0.0.1:$port" "$WORKDIR/run.err" || fail "the demo gateway did not log in: $(cat "$WORKDIR/run.err")"
for _ in $(seq 100); do grep -q '"weight_kg":72.5' "$WORKDIR/demo.txt" && break; sleep 0.1; done
grep -q 'declouder/people/demo/measurement .*"weight_kg":72.5' "$WORKDIR/demo.txt" \
  || fail "the demo user did not get the weighing: $(cat "$WORKDIR/demo.txt" "$WORKDIR/demo.err")"

# --- the private bus
start_bus system-this-user.conf
list_names() { dbus-send --bus="$DBUS_SYSTEM_BUS_ADDRESS" --print-reply --dest=org.freedesktop.DBus \
  /org/freedesktop/DBus org.freedesktop.DBus.ListNames; }
list_names > /dev/null || fail "the user who started the bus cannot use it"
start_sim mi-scale-2 --weight 81.1
"$DECLOUDER" scan --seconds 2 --json | grep_all '"MIBFS"' || fail "the simulated scale is not heard on the private bus"
if $root; then
  export -f list_names
  as_other_user bash -c list_names > "$WORKDIR/other.txt" 2>&1 && fail "another user may use the private bus: $(cat "$WORKDIR/other.txt")"
  # The same reached with the test tiers' allow-all bus succeeds: the refusal above is the policy's.
  start_bus system-allow-all.conf
  as_other_user bash -c list_names > /dev/null 2>&1 || fail "the allow-all control bus refuses nobody too: the check above proves nothing"
else
  echo "($TEST_NAME: not root: other users' access to the bus and the files is not tried)"
fi
pass
