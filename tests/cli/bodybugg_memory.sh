#!/usr/bin/env bash
# The GoWearFit memory download over the binary frames, end to end on a pty: the
# simulated armband serves the flash image of the public capture; the program
# reads it like the vendor software (5 reads of 8800 bytes), keeps the raw image,
# stores 856 minutes, and only then clears the memory. The armband is sleepy:
# it ignores the first two requests (bmhack's warm-up).
source "$(dirname "$0")/lib/common.sh"
need_shared fixtures/bodybugg/gowearfit_ftest.frames

SIM_PID=
trap '[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null; rm -rf "$WORKDIR"' EXIT
"$DECLOUDER" bodybugg simulate --transport framed --warmup 2 \
  --flash-frames "$SHARED/fixtures/bodybugg/gowearfit_ftest.frames" > "$WORKDIR/sim.out" &
SIM_PID=$!
for _ in $(seq 300); do [ -s "$WORKDIR/sim.out" ] && break; sleep 0.1; done  # up to 30 s on a loaded machine
PORT=$(head -1 "$WORKDIR/sim.out")
db="$WORKDIR/a.db"

"$DECLOUDER" bodybugg download --memory --port "$PORT" --database "$db" --output-dir "$WORKDIR" --clear \
  --raw-log "$WORKDIR/raw.txt" > "$WORKDIR/out" 2>"$WORKDIR/err" || fail "memory download: $(cat "$WORKDIR/err")"
grep -q "saved 44000 bytes to $WORKDIR/gowearfit-1304661517.bin" "$WORKDIR/out" || fail "$(cat "$WORKDIR/out")"
grep -q "^856 minutes; stored 54 new sessions (23112 samples)" "$WORKDIR/out" || fail "$(cat "$WORKDIR/out")"
grep -q "cleared the armband's memory" "$WORKDIR/out" || fail "not cleared"
# the vendor's own first request, byte for byte, is in the raw log
grep -q " > ab 03 3c 00 00 00 00 0e ff ff ff ff 82 00 00 00 00 00 60 22" "$WORKDIR/raw.txt" || fail "raw log"

# the stored minutes equal the golden per-minute decode (spot checks of gowearfit_ftest.csv)
csv=$("$DECLOUDER" export --format csv --database "$db" --channel EE)
echo "$csv" | grep_all "^EE,2011-05-06T05:59:37Z,1304661577000,235,,$" || fail "EE minute 2"
[ "$(echo "$csv" | tail -1)" = "EE,2011-05-06T20:14:02Z,1304712842000,228,," ] || fail "EE last minute: $(echo "$csv" | tail -1)"

# the kept image parses offline into the same per-session JSON as a PDP dump
"$DECLOUDER" bodybugg parse "$WORKDIR/gowearfit-1304661517.bin" --json > "$WORKDIR/image.jsonl" || fail "parse of the image"
[ "$(wc -l < "$WORKDIR/image.jsonl")" = 54 ] || fail "expected 27 channels x 2 sessions"
ee=$(grep '"channel":"EE"' "$WORKDIR/image.jsonl" | head -1)
expect_json "$ee" '.epoch' '1304661517'
expect_json "$ee" '.divisor' '1920'
expect_json "$ee" '.samples.0' 'null'
expect_json "$ee" '.samples.1' '235'

# after the clear the armband holds nothing
"$DECLOUDER" bodybugg download --memory --port "$PORT" --database "$db" --output-dir "$WORKDIR" 2>/dev/null \
  | grep_all "the armband holds no data" || fail "memory not cleared"
pass
