#!/usr/bin/env bash
# The simulated ESPHome proxy (`declouder simulate --esphome-proxy`) checked against an
# independent implementation of the native API: the npm package @2colors/esphome-native-api
# (its own Noise, noise-c in WebAssembly, and google-protobuf), which scripts/setup.sh
# installs into tests/npm/ from its package-lock.json. With the node's key it connects,
# reads the device info, subscribes to the advertisements (raw, as it asks, and parsed
# with flags 0) and receives them; it connects to a scale through the proxy, lists the
# services and reads a characteristic.
source "$(dirname "$0")/lib/common.sh"

TOOLS="$SOURCE_DIR/tests/npm"
if [ ! -d "$TOOLS/node_modules/@2colors/esphome-native-api" ]; then
  command -v npm > /dev/null || { echo "SKIP [$TEST_NAME]: npm is not installed (scripts/setup.sh installs it)"; exit 77; }
  # setup.sh normally did this; a fresh build directory on a machine without it tries once.
  timeout 180 npm ci --prefix "$TOOLS" --no-audit --no-fund --loglevel=error > "$WORKDIR/npm.log" 2>&1 || {
    echo "SKIP [$TEST_NAME]: the npm registry is unreachable, @2colors/esphome-native-api not installed: $(tail -1 "$WORKDIR/npm.log")"
    exit 77
  }
fi

KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
OTHER_KEY=HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=
MI2=C8:47:8C:5A:00:02
PICOOC=D0:49:00:5A:00:03
SIG=00:09:1F:5A:00:05
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait; rm -rf "$WORKDIR"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
check() { node "$TOOLS/esphome_client_check.js" "$@"; }

ENC=$(free_port)
"$DECLOUDER" simulate --esphome-proxy "127.0.0.1:$ENC" --key "$KEY" mi-scale-2 picooc-mini sig-scale --weight 80.4 \
  > "$WORKDIR/enc.out" 2> "$WORKDIR/enc.err" &
PIDS+=($!)
PLAIN=$(free_port)
"$DECLOUDER" simulate --esphome-proxy "127.0.0.1:$PLAIN" mi-scale-2 --weight 80.4 > "$WORKDIR/plain.out" 2> "$WORKDIR/plain.err" &
PIDS+=($!)
for f in enc plain; do
  for _ in $(seq 100); do grep -q "listening on" "$WORKDIR/$f.out" && break; sleep 0.1; done
  grep -q "listening on" "$WORKDIR/$f.out" || fail "the simulated node did not start: $(cat "$WORKDIR/$f.err")"
done

# The Mi scale's adverts as the library saw them, decoded by declouder from those bytes:
# every one a weighing on its way to the simulated 80.4 kg (the weight climbs, overshoots a
# little as a real load cell does when someone steps on, then settles: within 1 %).
mi_ok() {  # JSON
  local w
  w=$(mi_weight "$1")
  python3 -c 'import sys; w=float(sys.argv[1]); sys.exit(0 if 0 < w <= 80.4 * 1.01 else 1)' "$w" ||
    fail "a Mi scale advert decodes to $w kg, not a weighing of 80.4 kg: $1"
}
mi_weight() {  # JSON
  local hex
  hex=$(python3 -c '
import json,sys
doc=json.loads(sys.argv[1]); want=int(sys.argv[2].replace(":",""),16)
for a in doc["adverts"]:
    if int(a["address"])==want:
        for uuid,data in a["service_data"]:
            if uuid.lower() in ("0000181b-0000-1000-8000-00805f9b34fb","0x181b"): print(data); sys.exit(0)
sys.exit(1)' "$1" "$MI2") || fail "no Mi scale advert with 0x181B service data: $1"
  "$DECLOUDER" decode --name MIBFS --service-data "181b=$hex" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["weight_kg"])'
}

# Encrypted, raw advertisements (the library asks for raw from API 1.9 on).
raw=$(check "$ENC" "$KEY" raw) || fail "the library did not get raw adverts from the encrypted node: $raw"
expect_json "$raw" '.name' '"declouder-proxy"'
expect_json "$raw" '.encryption' 'true'
python3 -c 'import json,sys; f=json.loads(sys.argv[1])["feature_flags"]; sys.exit(0 if f & 1 and f & 2 and f & 32 else 1)' "$raw" ||
  fail "feature flags lack passive scan, active connections or raw advertisements: $raw"
mi_ok "$raw"
grep -q "advertisements subscribed (raw)" "$WORKDIR/enc.err" || fail "the node did not see a raw subscription"

# Parsed advertisements (flags 0): the same bytes in the older message.
parsed=$(check "$ENC" "$KEY" parsed) || fail "no parsed adverts: $parsed"
mi_ok "$parsed"
python3 -c '
import json,sys
doc=json.loads(sys.argv[1]); want=int(sys.argv[2].replace(":",""),16)
a=[a for a in doc["adverts"] if int(a["address"])==want]
assert a, "no Picooc advert"
assert a[0]["name"]=="PICOOC-CQ", a[0]
assert a[0]["service_uuids"] and a[0]["service_uuids"][0].lower() in ("0xfff0","0000fff0-0000-1000-8000-00805f9b34fb"), a[0]
assert a[0]["manufacturer_data"], a[0]' "$parsed" "$PICOOC" || fail "the Picooc advert is not as advertised: $parsed"
grep -q "advertisements subscribed (parsed)" "$WORKDIR/enc.err" || fail "the node did not see a parsed subscription"

# GATT through the proxy: connect, services, read the standard scale's battery level (87 %).
gatt=$(check "$ENC" "$KEY" gatt "$SIG" 00002a19-0000-1000-8000-00805f9b34fb) || fail "GATT through the proxy failed: $gatt"
expect_json "$gatt" '.connected' 'true'
expect_json "$gatt" '.read' '"57"'
expect_json "$gatt" '.disconnected' 'true'
python3 -c 'import json,sys; s=json.loads(sys.argv[1])["services"]; sys.exit(0 if "0000181d-0000-1000-8000-00805f9b34fb" in s and "0000180f-0000-1000-8000-00805f9b34fb" in s else 1)' "$gatt" ||
  fail "the services are not the standard scale's: $gatt"

# Plaintext node without a key; and the errors of a missing or wrong key.
plain=$(check "$PLAIN" "" raw) || fail "the library did not get adverts from the plaintext node: $plain"
mi_ok "$plain"
nokey=$(check "$ENC" "" raw) && fail "a client without the key was served: $nokey"
[[ "$nokey" == *"Encryption expected"* ]] || fail "a client without the key is not told encryption is needed: $nokey"
wrong=$(check "$ENC" "$OTHER_KEY" raw) && fail "a client with the wrong key was served: $wrong"
[[ "$wrong" == *"Handshake"* ]] || fail "the wrong key is not refused in the handshake: $wrong"
pass
