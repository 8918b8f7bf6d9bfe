#!/usr/bin/env bash
# An encrypted MiBeacon capture (a Xiaomi S400 weighing, written by `simulate --capture` as a
# phone's HCI log would hold it) decodes in `capture decode` as `decode --bindkey` decodes one
# advert: with the key on the command line or in the config's [[device]], and says which key is
# missing or wrong when it cannot.
source "$(dirname "$0")/lib/common.sh"

KEY=5e2b8c0d4a7f19e63b1c9d0a8e4f7b21
ADDRESS=8C:D0:B2:F6:11:22
"$DECLOUDER" simulate xiaomi-s400 --address $ADDRESS --bindkey $KEY --weight 83.4 --impedance 512 \
  --capture "$WORKDIR/s400.btsnoop" >"$WORKDIR/sim.out" 2>&1 || fail "simulate --capture: $(cat "$WORKDIR/sim.out")"
printf '' >"$WORKDIR/empty.toml"

# The key on the command line: the weighing, its 50 kHz impedance, then the 250 kHz frame.
out=$("$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --bindkey $KEY --config "$WORKDIR/empty.toml" --json) ||
  fail "capture decode --bindkey failed"
weighing=$(printf '%s\n' "$out" | grep '"weight_kg"' | head -1)
[ -n "$weighing" ] || fail "no weighing decoded: $out"
expect_json "$weighing" '.model' '"xiaomi-s400"'
expect_json "$weighing" '.address' "\"$ADDRESS\""
expect_json "$weighing" '.weight_kg' '83.4'
expect_json "$weighing" '.impedance_low_ohm' '512'
printf '%s\n' "$out" | grep -q '"impedance_high_ohm"' || fail "the 250 kHz frame was not decoded: $out"
# Each advert decodes as `decode --bindkey` decodes it on its own.
first_frame=$("$DECLOUDER" capture adverts "$WORKDIR/s400.btsnoop" | grep -o 'service_data\[fe95\]=[0-9a-f]*' | sed -n 2p)
one=$("$DECLOUDER" decode --service-data "fe95=${first_frame#*=}" --address $ADDRESS --bindkey $KEY --json) ||
  fail "decode --bindkey of the capture's frame failed"
expect_json "$one" '.weight_kg' '83.4'

# The key in the config's [[device]]: the same readings.
cat >"$WORKDIR/keys.toml" <<TOML
[[device]]
address = "$ADDRESS"
bindkey = "$KEY"
TOML
from_config=$("$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --config "$WORKDIR/keys.toml" --json) ||
  fail "capture decode with [[device]] bindkey failed"
[ "$from_config" = "$out" ] || fail "the config's key gave other readings: $from_config"

# No key: nothing decoded, and the reason on stderr; a wrong key says so too.
"$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --config "$WORKDIR/empty.toml" >"$WORKDIR/none.out" 2>"$WORKDIR/none.err" ||
  fail "capture decode without a key should still read the capture"
grep -q 'bindkey' "$WORKDIR/none.err" || fail "no hint about the missing key: $(cat "$WORKDIR/none.err")"
[ ! -s "$WORKDIR/none.out" ] || fail "readings without a key: $(cat "$WORKDIR/none.out")"
"$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --config "$WORKDIR/empty.toml" \
  --bindkey 00000000000000000000000000000000 >"$WORKDIR/wrong.out" 2>"$WORKDIR/wrong.err" || true
grep -q 'wrong key' "$WORKDIR/wrong.err" || fail "no word about the wrong key: $(cat "$WORKDIR/wrong.err")"
# A malformed key is a mistake on the command line.
expect_status 2 "$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --bindkey 0728
expect_stderr_contains "32 hex digits" "$DECLOUDER" capture decode "$WORKDIR/s400.btsnoop" --bindkey 0728
pass
