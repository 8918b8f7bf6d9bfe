#!/usr/bin/env bash
# `declouder run` against a Mosquitto that requires TLS (mqtts://, our own CA)
# and a user name and password, with a configured person and Domoticz
# sensors: the person's Home Assistant device gets every body metric, and
# Domoticz gets one domoticz/in message per configured sensor (seed 003).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

# A CA and a broker certificate for 127.0.0.1.
cd "$BROKER_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=declouder test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
chmod 644 server.key
mosquitto_passwd -b -c passwd declouder s3cret 2>/dev/null
chmod 644 passwd
cd - > /dev/null
cat > "$BROKER_DIR/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
user $(id -un)
cafile $BROKER_DIR/ca.pem
certfile $BROKER_DIR/server.pem
keyfile $BROKER_DIR/server.key
allow_anonymous false
password_file $BROKER_DIR/passwd
persistence false
log_dest file $BROKER_DIR/mosquitto.log
CONF
broker_start

SUB=(mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" --cafile "$BROKER_DIR/ca.pem" -u declouder -P s3cret)
HA="$WORKDIR/ha.txt"
"${SUB[@]}" -v -t 'declouder/people/#' -t 'domoticz/in' -t 'homeassistant/sensor/+/config' > "$HA" 2>/dev/null &
TEST_PIDS+=($!)
sleep 0.5

cat > "$WORKDIR/config.toml" <<TOML
[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
weight_min = 55
weight_max = 64

[mqtt]
url = "mqtts://127.0.0.1:$BROKER_PORT"
username = "declouder"
password = "s3cret"
ca_file = "$BROKER_DIR/ca.pem"

[domoticz]
[[domoticz.sensor]]
idx = 283
metric = "weight_kg"
person = "alice"
[[domoticz.sensor]]
idx = 284
metric = "fat_percent"
person = "alice"
TOML

"$DECLOUDER" run --config "$WORKDIR/config.toml" --database "$WORKDIR/tls.db" --gateway-id hall \
  --simulate "mi-scale-2:weighings=1,frame_ms=10,weights=58.2,impedances=520" 2> "$WORKDIR/run.err" \
  || fail "run over TLS failed: $(cat "$WORKDIR/run.err")"
grep -q "MQTT connected to mqtts://127.0.0.1:$BROKER_PORT" "$WORKDIR/run.err" || fail "no TLS connection: $(cat "$WORKDIR/run.err")"
sleep 0.5

python3 - "$HA" <<'PY' || fail "person or Domoticz messages wrong (see above)"
import json, sys
got = {}
for line in open(sys.argv[1]):
    topic, _, payload = line.rstrip("\n").partition(" ")
    got.setdefault(topic, []).append(payload)
def one(topic):
    v = got.get(topic)
    if not v or len(v) != 1: sys.exit(f"{topic}: {v}")
    return v[0]
if one("declouder/people/alice/weight_kg") != "58.2": sys.exit("weight")
for metric in ["bmi", "fat_percent", "water_percent", "muscle_kg", "bone_kg", "visceral_fat", "bmr_kcal", "metabolic_age"]:
    float(one(f"declouder/people/alice/{metric}"))
m = json.loads(one("declouder/people/alice/measurement"))
if m["person"] != "alice" or m["impedance_ohm"] != 520 or m["gateway"] != "hall": sys.exit(f"attributes {m}")
cfg = json.loads(one("homeassistant/sensor/declouder_alice_fat_percent/config"))
if cfg["unit_of_measurement"] != "%" or cfg["device"]["identifiers"] != ["declouder_person_alice"]: sys.exit(f"config {cfg}")
dz = [json.loads(p) for p in got.get("domoticz/in", [])]
if len(dz) != 2: sys.exit(f"domoticz: {dz}")
if dz[0] != {"idx": 283, "nvalue": 0, "svalue": "58.20"}: sys.exit(f"domoticz weight: {dz[0]}")
if dz[1]["idx"] != 284 or not 10 < float(dz[1]["svalue"]) < 50: sys.exit(f"domoticz fat: {dz[1]}")
print("alice's metrics, discovery and Domoticz ok over TLS with a password")
PY

# A wrong password is refused by the broker: declouder says so and keeps the measurement queued.
sed -i 's/s3cret/wrong/' "$WORKDIR/config.toml"
"$DECLOUDER" run --config "$WORKDIR/config.toml" --database "$WORKDIR/tls2.db" --gateway-id hall \
  --simulate "mi-scale-2:weighings=0,interval=100,frame_ms=10,weights=58.2" 2> "$WORKDIR/bad.err" &
BAD=$!
TEST_PIDS+=($BAD)
wait_until 15 grep -q "refused the connection" "$WORKDIR/bad.err" || fail "a refused login is not reported: $(cat "$WORKDIR/bad.err")"
wait_until 15 grep -q "measurement 58.2 kg" "$WORKDIR/bad.err" || fail "the weighing was not stored: $(cat "$WORKDIR/bad.err")"
kill -TERM $BAD
wait_exit $BAD 15 || fail "did not stop"
grep -q "kept for the next start" "$WORKDIR/bad.err" || fail "the queued measurement is not reported as kept: $(cat "$WORKDIR/bad.err")"
pass
