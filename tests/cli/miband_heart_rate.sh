#!/usr/bin/env bash
# `declouder miband heart-rate` against `declouder simulate miband-1s` on a private
# system bus (FakeBluez): the band vibrates for a new wearer, is tapped, and gives its
# heart rate because the driver asks in the order that keeps the link. The standard
# strap simulator is read by `declouder read`.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"

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

# Status and the activity history (90 minutes in the simulator), acked block by block, stored once.
"$DECLOUDER" miband info --address $BAND --no-link-tuning > "$WORKDIR/info" 2>"$WORKDIR/err4" || fail "info: $(cat "$WORKDIR/err4")"
grep -q "^model      Mi Band 1s" "$WORKDIR/info" || fail "info: $(cat "$WORKDIR/info")"
grep -q "^battery    80 %" "$WORKDIR/info" || fail "info battery: $(cat "$WORKDIR/info")"
db="$WORKDIR/band.db"
"$DECLOUDER" miband activity --address $BAND --no-link-tuning --database "$db" --json > "$WORKDIR/act.jsonl" 2>"$WORKDIR/err5" \
  || fail "activity: $(cat "$WORKDIR/err5")"
[ "$(wc -l < "$WORKDIR/act.jsonl")" = 90 ] || fail "expected 90 minutes: $(wc -l < "$WORKDIR/act.jsonl")"
grep -q "acknowledged a block" "$WORKDIR/err5" || fail "no acks: $(cat "$WORKDIR/err5")"
expect_json "$(tail -1 "$WORKDIR/act.jsonl")" '.steps' '35'
out=$("$DECLOUDER" miband activity --address $BAND --no-link-tuning --database "$db" 2>/dev/null) || fail "second activity"
[[ "$out" == "0 minutes; stored 0 new, 0 already in $db" ]] || fail "the band should have freed the acknowledged minutes: $out"

# A strap through the generic conversation.
out=$("$DECLOUDER" read --address 00:22:D0:5A:00:06 --json 2>"$WORKDIR/err3") || fail "strap: $(cat "$WORKDIR/err3")"
expect_json "$out" '.model' '"heart-rate-sensor"'
expect_json "$out" '.heart_rate_bpm' '68'

expect_status 2 "$DECLOUDER" miband heart-rate
expect_stderr_contains "--model" "$DECLOUDER" miband heart-rate --address $BAND --model 1
"$DECLOUDER" miband heart-rate --help | grep_all "15 02 01" || fail "help does not explain the order"
"$DECLOUDER" simulate --list | grep_all "^ *miband-1s" || fail "simulate --list lacks miband-1s"
pass
