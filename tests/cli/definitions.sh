#!/usr/bin/env bash
# Definition files and `capture learn` as a user meets them: a broken file is one line
# FILE:LINE; a definition is a device like a built-in one (devices, decode, capture decode,
# simulate, run, the standard folder); and captures of a scale no built-in driver knows, and
# of the Picooc Mini, made with `simulate --capture` and rewritten by `capture convert`, are
# learned back into definitions that decode and weigh.
source "$(dirname "$0")/lib/common.sh"
DEFS="$SOURCE_DIR/tests/data/definitions"
export HOME="$WORKDIR/home" XDG_CONFIG_HOME=
mkdir -p "$HOME"

# --- devices --check: ok, or FILE:LINE and exit status 1.
out=$("$DECLOUDER" devices --check "$DEFS/acme-gatt.toml")
[[ "$out" == *"ok: device acme-gatt"* && "$out" == *"converses"* ]] || fail "--check of a good file: $out"
printf '[device]\nid = "broken"\n[frame]\ncharacteristic = "fff1"\nlength = 4\n[frame.weight]\noffset = 3\ntype = "u16le"\n' > "$WORKDIR/broken.toml"
expect_status 1 "$DECLOUDER" devices --check "$WORKDIR/broken.toml"
err=$("$DECLOUDER" devices --check "$WORKDIR/broken.toml" 2>&1 || true)
[ "$err" = "$WORKDIR/broken.toml:6: frame.weight (2 bytes at offset 3) lies outside the frame's 4 bytes" ] || fail "not FILE:LINE: $err"
# The same file on a command that decodes: refused whole, one line, exit status 1.
expect_status 1 "$DECLOUDER" decode --definitions "$WORKDIR/broken.toml" --gatt fff1=00
expect_stderr_contains "broken.toml:6:" "$DECLOUDER" decode --definitions "$WORKDIR/broken.toml" --gatt fff1=00
expect_stderr_contains "no such definition" "$DECLOUDER" decode --definitions "$WORKDIR/missing.toml" --gatt fff1=00

# --- A definition decodes as a built-in device does; its id is the reading's model.
out=$("$DECLOUDER" decode --definitions "$DEFS" --no-builtin --gatt fff1=390d65f74ba50656150486fc00 --json)
expect_json "$out" '.model' '"acme-gatt"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.device_time' '"2024-03-17T19:59:33Z"'
# Beside the built-in devices: both decode the Mi Scale 2 frame.
out=$("$DECLOUDER" decode --definitions "$DEFS/acme-advert.toml" --service-data 181b=0226e607020e10293af7019a38 --json)
grep_all '"model":"acme-advert"' <<<"$out" || fail "the definition did not decode: $out"
grep_all '"model":"xiaomi-mi-scale-2"' <<<"$out" || fail "--definitions turned the built-in devices off: $out"
# --no-builtin: the built-in devices are off.
expect_status 1 "$DECLOUDER" decode --no-builtin --service-data 181b=0226e607020e10293af7019a38
# devices lists it, with the file it came from.
json=$("$DECLOUDER" devices --definitions "$DEFS/acme-gatt.toml" --json)
python3 - "$json" "$DEFS/acme-gatt.toml" <<'PY' || fail "devices --json does not list the definition: $json"
import json, sys
devs = {d["id"]: d for d in json.loads(sys.argv[1])}
d = devs["acme-gatt"]
assert d["definition"] == sys.argv[2] and d["converses"] and d["simulator"] == "acme-gatt", d
assert d["gatt_characteristics"] == ["fff1"] and "weight_kg" in d["reports"], d
assert devs["picooc-mini"]["definition"] is None
assert d["manufacturer"] == "Acme", d  # [device] name's first word: the file has no manufacturer key
PY
# [device] manufacturer, when the name's first word is not the maker.
sed 's/^name = .*/&\nmanufacturer = "Acme Health, Inc."/' "$DEFS/acme-gatt.toml" > "$WORKDIR/maker.toml"
expect_json "$("$DECLOUDER" devices --definitions "$WORKDIR/maker.toml" --no-builtin --json)" '.0.manufacturer' '"Acme Health, Inc."'
# A definition whose id is a built-in device's is refused beside them.
sed 's/id = "acme-gatt"/id = "picooc-mini"/' "$DEFS/acme-gatt.toml" > "$WORKDIR/clash.toml"
expect_stderr_contains "built-in device's" "$DECLOUDER" devices --definitions "$WORKDIR/clash.toml"
"$DECLOUDER" devices --definitions "$WORKDIR/clash.toml" --no-builtin > /dev/null || fail "--no-builtin did not allow the id"

# --- The standard folder: definitions there are used by every command.
mkdir -p "$HOME/.config/declouder/devices"
cp "$DEFS/acme-advert.toml" "$HOME/.config/declouder/devices/"
"$DECLOUDER" devices | grep_all '^acme-advert ' || fail "~/.config/declouder/devices was not loaded"
rm "$HOME/.config/declouder/devices/acme-advert.toml"

# --- A scale no built-in driver knows: captures of its simulator, as btsnoop and (rewritten
# by capture convert) as PacketLogger, learned back.
UA="$DEFS/unknown-asked.toml"
"$DECLOUDER" simulate --definitions "$UA" unknown-asked --weight 81.3 --impedance 512 --time 2026-01-05T07:00:00Z \
  --capture "$WORKDIR/ua1.btsnoop" || fail "simulate --capture"
"$DECLOUDER" simulate --definitions "$UA" unknown-asked --weight 77.9 --impedance 509 --time 2026-01-06T07:00:00Z \
  --capture "$WORKDIR/ua2.btsnoop"
"$DECLOUDER" capture convert "$WORKDIR/ua2.btsnoop" --to pklg-le --output "$WORKDIR/ua2.pklg"
"$DECLOUDER" capture info "$WORKDIR/ua2.pklg" | grep_all pklg || fail "capture convert did not write PacketLogger"
out=$("$DECLOUDER" capture learn "$WORKDIR/ua1.btsnoop" "$WORKDIR/ua2.pklg" --value 81.3 --value 77.9 \
  --value impedance=512 --value impedance=509 --id learned-ua --output "$WORKDIR/learned-ua.toml") ||
  fail "capture learn failed: $out"
grep_all 'request: a5 01 {time_le32} {sum8} written to ffe2' <<<"$out" || fail "the request was not learned: $out"
grep_all 'check: capture 2 .* 77.9 kg decoded' <<<"$out" || fail "the learned definition was not checked: $out"
"$DECLOUDER" devices --check "$WORKDIR/learned-ua.toml" > /dev/null || fail "the learned file does not check"
# New frames of that scale decode through the learned definition alone.
out=$("$DECLOUDER" decode --no-builtin --definitions "$WORKDIR/learned-ua.toml" --gatt ffe1=ab1080e103cc01000014 --json)
expect_json "$out" '.model' '"learned-ua"'
expect_json "$out" '.weight_kg' '99.3'
expect_json "$out" '.impedance_ohm' '460'
# ... and through capture decode.
out=$("$DECLOUDER" capture decode "$WORKDIR/ua1.btsnoop" --no-builtin --definitions "$WORKDIR/learned-ua.toml" --json)
expect_json "$out" '.weight_kg' '81.3'
# A value no field holds: a clear error, exit status 1.
expect_stderr_contains "no field holds the weight" "$DECLOUDER" capture learn "$WORKDIR/ua1.btsnoop" --value 55.5 --output "$WORKDIR/x.toml"
expect_status 2 "$DECLOUDER" capture learn "$WORKDIR/ua1.btsnoop" --value 81.3

# --- The Picooc Mini, learned from captures of its simulator; then `run` weighs through
# the simulated scale with the learned definition alone.
"$DECLOUDER" simulate picooc-mini --weight 80.5 --time 2026-01-05T07:00:00Z --capture "$WORKDIR/p1.btsnoop"
"$DECLOUDER" simulate picooc-mini --weight 76.2 --time 2026-01-06T07:10:00Z --capture "$WORKDIR/p2.btsnoop"
"$DECLOUDER" capture convert "$WORKDIR/p2.btsnoop" --to pklg-be --output "$WORKDIR/p2.pklg"
"$DECLOUDER" capture learn "$WORKDIR/p1.btsnoop" "$WORKDIR/p2.pklg" --value 80.5 --value 76.2 \
  --output "$WORKDIR/learned-picooc.toml" > "$WORKDIR/learn.out" || fail "learning the Picooc: $(cat "$WORKDIR/learn.out")"
grep_all 'request: f1 09 3a {time_be32} a5 00 written to fff2' "$WORKDIR/learn.out" || fail "$(cat "$WORKDIR/learn.out")"
# lynx.st's Picooc frame decodes through the learned definition as through the driver.
out=$("$DECLOUDER" decode --no-builtin --definitions "$WORKDIR/learned-picooc.toml" --name PICOOC-CQ --gatt fff1=390d65f74ba50656150486fc00 --json)
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.device_time' '"2024-03-17T19:59:33Z"'
"$DECLOUDER" run --no-builtin --definitions "$WORKDIR/learned-picooc.toml" --simulate picooc-mini:weight=81.3 \
  --database "$WORKDIR/run.db" --jsonl "$WORKDIR/run.jsonl" > /dev/null 2> "$WORKDIR/run.err" &
RUN=$!
for _ in $(seq 200); do grep -q "conversation done, 1 reading" "$WORKDIR/run.err" && break; sleep 0.1; done
kill -TERM "$RUN"
wait "$RUN" || fail "run did not stop cleanly: $(cat "$WORKDIR/run.err")"
grep_all 'talking to PICOOC-CQ .*(picooc-cq)' "$WORKDIR/run.err" || fail "run did not talk with the learned definition: $(cat "$WORKDIR/run.err")"
line=$(head -1 "$WORKDIR/run.jsonl")
expect_json "$line" '.model' '"picooc-cq"'
expect_json "$line" '.weight_kg' '81.3'
pass
