#!/usr/bin/env bash
# `declouder run` hears the scales through remote radios, as a user would set it up:
# ESPHome Bluetooth proxies (simulated nodes: `declouder simulate --esphome-proxy`, one
# encrypted, one plaintext, one whose key we do not have, one that is not there) and
# MQTT advert gateways (OpenMQTTGateway / Theengs JSON on a real Mosquitto). The scales
# that must be asked are talked to through the proxy; each weighing is stored once and
# reaches the broker; a broken proxy is one log line and the others keep working.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
OTHER_KEY=HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=
PICOOC=D0:49:00:5A:00:03
CRENOT=CF:E5:10:5A:00:04
MI2=C8:47:8C:5A:00:02
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
slug() { echo "$1" | tr -d ':' | tr 'A-F' 'a-f'; }

broker_start
HA="$WORKDIR/household.txt"
start_household_subscriber "$HA" 'declouder/scales/+/measurement'
sleep 0.3

declare -A PROXY_PID
start_proxy() {  # NAME PORT ARGS...
  local name=$1 port=$2; shift 2
  "$DECLOUDER" simulate --esphome-proxy "127.0.0.1:$port" --name "$name" "$@" \
    > "$WORKDIR/$name.out" 2> "$WORKDIR/$name.err" &
  TEST_PIDS+=($!)
  PROXY_PID[$name]=$!
  wait_until 10 grep -q "listening on 127.0.0.1:$port" "$WORKDIR/$name.out" ||
    fail "simulated proxy $name did not start: $(cat "$WORKDIR/$name.err")"
}

# --- Four [[esphome]] nodes in the config: two work, one refuses our key, one is absent.
P_BATH=$(free_port); P_HALL=$(free_port); P_ATTIC=$(free_port); P_NONE=$(free_port)
start_proxy bathroom "$P_BATH" --key "$KEY" picooc-mini crenot-gofit-s2 --weight 81.1 --impedance 538
start_proxy hall "$P_HALL" --rssi -70 mi-scale-2 --weight 64.2
start_proxy attic "$P_ATTIC" --key "$OTHER_KEY" mi-scale
grep -q "listening on 127.0.0.1:$P_BATH (encrypted)" "$WORKDIR/bathroom.out" || fail "bathroom node not encrypted"
# scan names the radio each device was heard through.
SCAN=$("$DECLOUDER" scan --seconds 2 --json --esphome "127.0.0.1:$P_BATH,key=$KEY" --esphome "127.0.0.1:$P_HALL" 2> "$WORKDIR/scan.err") ||
  fail "scan through the proxies failed: $(cat "$WORKDIR/scan.err")"
expect_json "$(grep "\"$PICOOC\"" <<< "$SCAN")" '.radio' "\"esphome:127.0.0.1:$P_BATH\""
expect_json "$(grep "\"$PICOOC\"" <<< "$SCAN")" '.rssi' '-60'
expect_json "$(grep "\"$MI2\"" <<< "$SCAN")" '.radio' "\"esphome:127.0.0.1:$P_HALL\""
expect_json "$(grep "\"$MI2\"" <<< "$SCAN")" '.rssi' '-70'
cat > "$WORKDIR/config.toml" <<TOML
[gateway]
settle_seconds = 2

[mqtt]
url = "mqtt://127.0.0.1:$BROKER_PORT"

[[esphome]]
host = "127.0.0.1"
port = $P_BATH
key = "$KEY"

[[esphome]]
host = "127.0.0.1"
port = $P_HALL

[[esphome]]
host = "127.0.0.1"
port = $P_ATTIC
key = "$KEY"

[[esphome]]
host = "127.0.0.1"
port = $P_NONE
TOML
"$DECLOUDER" run --config "$WORKDIR/config.toml" --database "$WORKDIR/a.db" --jsonl "$WORKDIR/a.jsonl" \
  --gateway-id home > /dev/null 2> "$WORKDIR/a.err" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 60 at_least "$WORKDIR/a.jsonl" '"weight_kg":81.1' 2 ||
  fail "the scales behind the encrypted proxy were not talked to: $(cat "$WORKDIR/a.err")"
wait_until 30 at_least "$WORKDIR/a.jsonl" '"weight_kg":64.2' 1 ||
  fail "the Mi scale behind the plaintext proxy was not heard: $(cat "$WORKDIR/a.err")"
for dev in "$PICOOC" "$CRENOT"; do
  grep -q "talking to .*$dev.* through esphome:127.0.0.1:$P_BATH" "$WORKDIR/a.err" ||
    fail "no conversation with $dev through the proxy: $(cat "$WORKDIR/a.err")"
  line=$(grep "\"address\":\"$dev\"" "$WORKDIR/a.jsonl" | head -1)
  expect_json "$line" '.source' "\"esphome:127.0.0.1:$P_BATH\""
  wait_until 10 at_least "$HA" "declouder/scales/$(slug $dev)/measurement" 1 ||
    fail "the measurement of $dev did not reach the broker"
done
expect_json "$(grep "\"address\":\"$PICOOC\"" "$WORKDIR/a.jsonl" | head -1)" '.impedance_ohm' '538'
grep -q "measurement 81.1 kg.* $PICOOC.* via esphome:127.0.0.1:$P_BATH" "$WORKDIR/a.err" || fail "the log does not name the radio"
expect_json "$(grep "\"address\":\"$MI2\"" "$WORKDIR/a.jsonl" | head -1)" '.source' "\"esphome:127.0.0.1:$P_HALL\""
# The scales keep advertising after they answered: each weighing is asked for once.
sleep 2
[ "$(count_lines "$WORKDIR/a.jsonl" '"weight_kg":81.1')" = 2 ] || fail "a scale was asked twice: $(cat "$WORKDIR/a.jsonl")"
# The broken nodes: one line each, naming the node and what to do, not a stop.
[ "$(count_lines "$WORKDIR/a.err" "ESPHome proxy 127.0.0.1:$P_ATTIC: wrong encryption key")" = 1 ] ||
  fail "the wrong key is not one clear line: $(cat "$WORKDIR/a.err")"
[ "$(count_lines "$WORKDIR/a.err" "ESPHome proxy 127.0.0.1:$P_NONE: cannot connect")" = 1 ] ||
  fail "the absent node is not one clear line: $(cat "$WORKDIR/a.err")"
grep -q "one Bluetooth subscriber at a time" "$WORKDIR/a.err" || fail "the log does not say a node serves one subscriber"
kill -0 $RUN || fail "run stopped because of a broken proxy"

# A node that reboots: the connection is lost, one line, and it comes back by itself.
kill -TERM "${PROXY_PID[hall]}"
wait_until 10 grep -q "ESPHome proxy 127.0.0.1:$P_HALL: connection lost" "$WORKDIR/a.err" ||
  fail "a node going away is not said: $(tail -5 "$WORKDIR/a.err")"
start_proxy hall "$P_HALL" mi-scale-2 --weight 64.2
wait_until 15 at_least "$WORKDIR/a.err" "ESPHome proxy 127.0.0.1:$P_HALL: connected" 2 ||
  fail "no reconnection to the rebooted node: $(tail -5 "$WORKDIR/a.err")"
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop cleanly: $(tail -3 "$WORKDIR/a.err")"
"$DECLOUDER" history --database "$WORKDIR/a.db" | grep_all "81.10 kg" || fail "not in the database"

# --- run --esphome on the command line, and a plaintext client at an encrypted node.
"$DECLOUDER" run --esphome "127.0.0.1:$P_BATH" --database "$WORKDIR/b.db" > /dev/null 2> "$WORKDIR/b.err" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 10 grep -q "requires encryption" "$WORKDIR/b.err" || fail "no clear line for a missing key: $(cat "$WORKDIR/b.err")"
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop"
expect_stderr_contains "--esphome" "$DECLOUDER" run --esphome "127.0.0.1:$P_BATH,key=tooshort" --database "$WORKDIR/c.db"
expect_status 2 "$DECLOUDER" run --esphome "127.0.0.1:notaport" --database "$WORKDIR/c.db"
expect_status 2 "$DECLOUDER" run --mqtt-adverts 'home/+/BTtoMQTT/undecoded' --database "$WORKDIR/c.db"
printf '[[esphome]]\nhost = "x"\nkey = "short"\n' > "$WORKDIR/bad.toml"
expect_stderr_contains "bad.toml:3: [[esphome]] key" "$DECLOUDER" run --config "$WORKDIR/bad.toml" --database "$WORKDIR/c.db"

# --- One pool of radios: the same Picooc heard by two proxies (strong and weak) and an
# MQTT advert gateway; the radio that hears it best talks to it, once.
P_NEAR=$(free_port); P_FAR=$(free_port)
start_proxy near "$P_NEAR" --rssi -48 picooc-mini --weight 70.2
start_proxy far "$P_FAR" --rssi -86 picooc-mini --weight 70.2
"$DECLOUDER" run --esphome "127.0.0.1:$P_FAR" --esphome "127.0.0.1:$P_NEAR" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" \
  --mqtt-adverts 'home/+/BTtoMQTT/undecoded' --gateway-id pool \
  --database "$WORKDIR/p.db" --jsonl "$WORKDIR/p.jsonl" > /dev/null 2> "$WORKDIR/p.err" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 10 grep -q "listening:" "$WORKDIR/p.err" || fail "the pool gateway did not start: $(cat "$WORKDIR/p.err")"
for _ in 1 2 3 4 5; do
  mosquitto_pub -p "$BROKER_PORT" -t home/OMG_hall/BTtoMQTT/undecoded \
    -m "{\"id\":\"$PICOOC\",\"name\":\"PICOOC-CQ\",\"rssi\":-95,\"manufacturerdata\":\"0a00d049005a0003\"}"
  sleep 0.2
done
wait_until 30 at_least "$WORKDIR/p.jsonl" '"weight_kg":70.2' 1 || fail "nobody talked to the Picooc: $(cat "$WORKDIR/p.err")"
sleep 3
[ "$(count_lines "$WORKDIR/p.err" "talking to .*$PICOOC")" = 1 ] || fail "the Picooc was talked to more than once: $(cat "$WORKDIR/p.err")"
grep -q "talking to .*$PICOOC.* through esphome:127.0.0.1:$P_NEAR" "$WORKDIR/p.err" ||
  fail "not the nearest radio talked to the Picooc: $(cat "$WORKDIR/p.err")"
[ "$(count_lines "$WORKDIR/p.jsonl" '"weight_kg"')" = 1 ] || fail "one weighing stored twice: $(cat "$WORKDIR/p.jsonl")"
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop"

# --- MQTT advert gateways: two of them hear the same Mi scale frame; one weighing.
"$DECLOUDER" run --mqtt "mqtt://127.0.0.1:$BROKER_PORT" --mqtt-adverts 'home/+/BTtoMQTT/undecoded' \
  --database "$WORKDIR/m.db" --jsonl "$WORKDIR/m.jsonl" --gateway-id omg-home > /dev/null 2> "$WORKDIR/m.err" &
RUN=$!
TEST_PIDS+=($RUN)
wait_until 10 grep -q "listening:.*advertisements from MQTT gateways on home/+/BTtoMQTT/undecoded" "$WORKDIR/m.err" ||
  fail "not listening to the MQTT gateways: $(cat "$WORKDIR/m.err")"
sleep 1  # subscribed
pub() { mosquitto_pub -p "$BROKER_PORT" -t "$1" -m "$2"; }
FRAME=0226ea070c010c1e1bf4018638
DONE=02a6ea070c010c1e1bf4018638
pub home/OMG_bathroom/BTtoMQTT/undecoded "{\"id\":\"$MI2\",\"mac_type\":0,\"adv_type\":0,\"name\":\"MIBFS\",\"rssi\":-61,\"servicedatauuid\":\"0x181b\",\"servicedata\":\"$FRAME\"}"
pub home/theengs_hall/BTtoMQTT/undecoded "{\"id\":\"$MI2\",\"name\":\"MIBFS\",\"rssi\":-83,\"servicedatauuid\":\"181b\",\"servicedata\":\"$FRAME\"}"
pub home/OMG_bathroom/BTtoMQTT/undecoded "{\"id\":\"$MI2\",\"name\":\"MIBFS\",\"rssi\":-61,\"servicedatauuid\":\"0x181b\",\"servicedata\":\"$DONE\"}"
pub home/theengs_hall/BTtoMQTT/undecoded "{\"id\":\"$MI2\",\"name\":\"MIBFS\",\"rssi\":-83,\"servicedatauuid\":\"181b\",\"servicedata\":\"$DONE\"}"
pub home/OMG_bathroom/BTtoMQTT/undecoded 'not json'
pub home/OMG_bathroom/BTtoMQTT/undecoded '{"id":"nonsense"}'
pub home/OMG_bathroom/SYStoMQTT "{\"id\":\"$MI2\",\"servicedatauuid\":\"181b\",\"servicedata\":\"02260000000000000000f4014000\"}"
wait_until 20 at_least "$WORKDIR/m.jsonl" '"weight_kg":72.35' 1 ||
  fail "the MQTT gateways' advert was not decoded: $(cat "$WORKDIR/m.err")"
line=$(grep '"weight_kg"' "$WORKDIR/m.jsonl" | head -1)
expect_json "$line" '.impedance_ohm' '500'
expect_json "$line" '.address' "\"$MI2\""
expect_json "$line" '.source' '"mqtt:home/+/BTtoMQTT/undecoded"'
wait_until 10 at_least "$HA" "declouder/scales/$(slug $MI2)/measurement" 1 || fail "not handed to Home Assistant"
sleep 1
[ "$(count_lines "$WORKDIR/m.jsonl" '"weight_kg"')" = 1 ] || fail "one weighing heard twice was stored twice: $(cat "$WORKDIR/m.jsonl")"
[ "$(count_lines "$WORKDIR/m.err" "MQTT advert on home/OMG_bathroom/BTtoMQTT/undecoded ignored: not a JSON object")" = 1 ] ||
  fail "a malformed advert is not said once: $(cat "$WORKDIR/m.err")"
kill -TERM $RUN
wait_exit $RUN 30 || fail "run did not stop"
pass
