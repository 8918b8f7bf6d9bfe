#!/usr/bin/env bash
# `declouder miband heart-rate` against `declouder simulate miband-1s` on a private
# system bus (FakeBluez): the band vibrates for a new wearer, is tapped, and gives its
# heart rate because the driver asks in the order that keeps the link. The standard
# strap simulator is read by `declouder read`.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/ble/cli_bus.sh"

start_bus
start_sim miband-1s heart-rate-strap --heart-rate 70
BAND=C8:0F:10:32:CA:B6

out=$("$DECLOUDER" miband heart-rate --address $BAND --json --no-link-tuning --wait 30 2>"$WORKDIR/err") \
  || fail "heart-rate: $(cat "$WORKDIR/err")"
[ "$out" = '{"heart_rate_bpm":70}' ] || fail "output: $out"
grep -q "tap it to confirm" "$WORKDIR/err" || fail "the wearer was not asked to tap: $(cat "$WORKDIR/err")"

# The band now knows the wearer: no tap, text output.
out=$("$DECLOUDER" miband heart-rate --address $BAND --no-link-tuning --wait 30 2>"$WORKDIR/err2") \
  || fail "second heart-rate: $(cat "$WORKDIR/err2")"
[ "$out" = "heart rate 70 bpm" ] || fail "text output: $out"
! grep -q "tap it" "$WORKDIR/err2" || fail "asked to tap again for a known wearer"

# A strap through the generic conversation.
out=$("$DECLOUDER" read --address 00:22:D0:5A:00:06 --json 2>"$WORKDIR/err3") || fail "strap: $(cat "$WORKDIR/err3")"
expect_json "$out" '.model' '"heart-rate-sensor"'
expect_json "$out" '.heart_rate_bpm' '68'

expect_status 2 "$DECLOUDER" miband heart-rate
expect_stderr_contains "--model" "$DECLOUDER" miband heart-rate --address $BAND --model 1
"$DECLOUDER" miband heart-rate --help | grep -q "15 02 01" || fail "help does not explain the order"
"$DECLOUDER" simulate --list | grep -q "^ *miband-1s" || fail "simulate --list lacks miband-1s"
pass
