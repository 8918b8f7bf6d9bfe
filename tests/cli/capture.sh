#!/usr/bin/env bash
# The `capture` commands as a user runs them: the contract of issue 3.
source "$(dirname "$0")/lib/common.sh"
DATA="$SOURCE_DIR/tests/data/captures"
FIXTURE="$SHARED/fixtures/captures/miband1s_heartrate_mifit.btsnoop"
SESSION="$DATA/picooc_session.pklg-be"

# --- info: format from the content (not the name), counts, span, devices
if have_shared fixtures/captures/miband1s_heartrate_mifit.btsnoop; then
  cp "$FIXTURE" "$WORKDIR/no_extension"
  out=$("$DECLOUDER" capture info "$WORKDIR/no_extension")
  grep -q "format:   btsnoop-h4" <<<"$out" || fail "info: format: $out"
  grep -q "records:  4" <<<"$out" || fail "info: record count: $out"
  grep -q "span:     10.000667 s" <<<"$out" || fail "info: span: $out"
fi
out=$("$DECLOUDER" capture info "$DATA/picooc_session.pklg-le")
grep -q "format:   pklg-le" <<<"$out" || fail "info: pklg-le: $out"
grep -q 'D0:49:00:3F:A1:5C "PICOOC-PQ"' <<<"$out" || fail "info: Picooc device and name: $out"
grep -q "adverts 5, rssi -71..-66 dBm" <<<"$out" || fail "info: Mi scale advert count and RSSI range: $out"
grep -q "connections 1" <<<"$out" || fail "info: connection: $out"
grep -q "disconnected: reason 0x13 Remote User Terminated Connection" <<<"$out" || fail "info: reason: $out"

# --- att: the contract's keys
if have_shared fixtures/captures/miband1s_heartrate_mifit.btsnoop; then
  out=$("$DECLOUDER" capture att "$FIXTURE" --json | head -1)
  expect_json "$out" '.time' '"2015-11-29T19:19:17.082084Z"'
  expect_json "$out" '.direction' '"host->device"'
  expect_json "$out" '.opcode' '18'
  expect_json "$out" '.op' '"Write Request"'
  expect_json "$out" '.handle' '78'
  expect_json "$out" '.value' '"150201"'
fi
out=$("$DECLOUDER" capture att "$SESSION" --json --device d0:49:00:3f:a1:5c | grep '"opcode":29')
expect_json "$out" '.address' '"D0:49:00:3F:A1:5C"'
expect_json "$out" '.direction' '"device->host"'
expect_json "$out" '.uuid' '"fff1"'
expect_json "$out" '.handle' '18'
expect_json "$out" '.value' '"390d65f74ba50656150486fc00"'
out=$("$DECLOUDER" capture att "$SESSION" --json | grep '"opcode":19' | head -1)
expect_json "$out" '.value' '""'
[ -z "$("$DECLOUDER" capture att "$SESSION" --device 11:22:33:44:55:66)" ] || fail "att --device filters"

# --- adverts
out=$("$DECLOUDER" capture adverts "$SESSION" --json --device D0:49:00:3F:A1:5C)
expect_json "$out" '.name' '"PICOOC-PQ"'
expect_json "$out" '.rssi' '-58'
expect_json "$out" '.manufacturer_data.10' '"d049003fa15c"'
expect_json "$out" '.service_data' '{}'
[ "$("$DECLOUDER" capture adverts "$SESSION" --json --device C8:47:8C:00:00:01 | wc -l)" = 5 ] || fail "adverts: Mi scale count"
out=$("$DECLOUDER" capture adverts "$SESSION" --json --device C8:47:8C:00:00:01 | tail -1)
expect_json "$out" '.service_data.181b' '"0226e607020e10293bf701a438"'

# --- decode: the settling frame and the repeated frame are not readings; the Picooc
# response (indicated, then read again) is one reading.
out=$("$DECLOUDER" capture decode "$SESSION" --json)
mi=$(grep xiaomi-mi-scale-2 <<<"$out")
[ "$(wc -l <<<"$mi")" = 2 ] || fail "decode: expected 2 Mi scale readings (72.45 kg once, 72.5 kg), got: $out"
first=$(head -1 <<<"$mi")
expect_json "$first" '.model' '"xiaomi-mi-scale-2"'
expect_json "$first" '.weight_kg' '72.45'
expect_json "$first" '.stabilized' 'true'
expect_json "$first" '.address' '"C8:47:8C:00:00:01"'
expect_json "$first" '.time' '"2024-03-17T19:59:30.005000Z"'
expect_json "$(tail -1 <<<"$mi")" '.weight_kg' '72.5'
picooc=$(grep -v xiaomi-mi-scale-2 <<<"$out")
[ "$(wc -l <<<"$picooc")" = 1 ] || fail "decode: expected one Picooc reading, got: $out"
expect_json "$picooc" '.weight_kg' '81.1'
expect_json "$picooc" '.address' '"D0:49:00:3F:A1:5C"'
expect_json "$picooc" '.time' '"2024-03-17T19:59:33.002000Z"'

# --- Stepping off is not a new reading: a Mi Scale 2 re-advertises the weighing with the
# load-removed bit (0xA6, its date kept), a Mi Scale v1 with 0xA2 and its date no longer valid.
cat > "$WORKDIR/stepping_off.txt" <<'HCI'
HCI sniffer - Bluetooth packet analyzer ver 5.37
2026-11-21 07:00:00.000000 > 04 3e 1d 02 01 00 00 01 00 00 8c 47 c8 11 10 16 1b 18 02 26
  e6 07 02 0e 10 29 3a f7 01 9a 38 b9
2026-11-21 07:00:03.000000 > 04 3e 1d 02 01 00 00 01 00 00 8c 47 c8 11 10 16 1b 18 02 a6
  e6 07 02 0e 10 29 3a f7 01 9a 38 b9
2026-11-21 07:00:10.000000 > 04 3e 1a 02 01 00 00 02 00 00 00 0f 88 0e 0d 16 1d 18 22 d8
  36 ea 07 0b 15 0f 17 21 c0
2026-11-21 07:00:13.000000 > 04 3e 1a 02 01 00 00 02 00 00 00 0f 88 0e 0d 16 1d 18 a2 d8
  36 ea 07 0b 15 0f 17 21 c0
HCI
out=$("$DECLOUDER" capture decode "$WORKDIR/stepping_off.txt" --json) || fail "decode stepping_off: $out"
[ "$(grep -c '"model":"xiaomi-mi-scale-2"' <<<"$out")" = 1 ] || fail "Mi Scale 2 stepping off counted again: $out"
[ "$(grep -c '"model":"xiaomi-mi-scale"' <<<"$out")" = 1 ] || fail "Mi Scale v1 stepping off counted again: $out"
expect_json "$(grep '"model":"xiaomi-mi-scale"' <<<"$out")" '.weight_kg' '70.2'

# the real Mi Fit capture starts after discovery: --map names the handle, and the
# heart-rate driver reads the 70 bpm the fixture's notification carries
if have_shared fixtures/captures/miband1s_heartrate_mifit.btsnoop; then
  out=$("$DECLOUDER" capture decode "$FIXTURE" --map 0x004b=2a37 --json)
  expect_json "$out" '.heart_rate_bpm' '70'
  expect_json "$out" '.time' '"2015-11-29T19:19:27.082751Z"'
  out=$("$DECLOUDER" capture att "$FIXTURE" --map 0x004b=2a37 --json | tail -1)
  expect_json "$out" '.uuid' '"2a37"'
  [ -z "$("$DECLOUDER" capture decode "$FIXTURE" --json 2>/dev/null)" ] || fail "decode without --map: the handle is unknown"
fi
expect_stderr_contains "--map" "$DECLOUDER" capture att "$SESSION" --map 4b

# --- find: the Picooc exchange of seed 000
out=$("$DECLOUDER" capture find "$SESSION" --value 81.1 --time 2024-03-17T19:59:33Z --json)
value=$(grep '"kind":"value"' <<<"$out" | head -1)
expect_json "$value" '.source' '"att:fff1"'
expect_json "$value" '.offset' '6'
expect_json "$value" '.width_bits' '16'
expect_json "$value" '.byte_order' '"big"'
expect_json "$value" '.signed' 'false'
expect_json "$value" '.factor' '20'
time=$(grep '"kind":"time"' <<<"$out" | head -1)
expect_json "$time" '.source' '"att:fff1"'
expect_json "$time" '.offset' '2'
expect_json "$time" '.byte_order' '"big"'
expect_json "$time" '.factor' '1'
expect_json "$(head -1 <<<"$out")" '.kind' '"value"'
# several captures, one value each: what holds in all ranks first
"$DECLOUDER" capture convert "$SESSION" --to btsnoop-h4 --output "$WORKDIR/a.btsnoop"
out=$("$DECLOUDER" capture find "$SESSION" "$WORKDIR/a.btsnoop" --value 72.45 --value 72.45 --json | head -1)
expect_json "$out" '.files' '2'
expect_json "$out" '.source' '"advert:service_data:181b"'
expect_json "$out" '.offset' '11'
expect_json "$out" '.factor' '200'
expect_json "$out" '.byte_order' '"little"'

# --- a truncated file: what precedes the cut is printed, the cut is named, exit 0
size=$(stat -c %s "$DATA/picooc_session.btsnoop-h4")
head -c $((size - 5)) "$DATA/picooc_session.btsnoop-h4" > "$WORKDIR/cut.btsnoop"
out=$("$DECLOUDER" capture adverts "$WORKDIR/cut.btsnoop" --json 2>"$WORKDIR/err")
[ "$(wc -l <<<"$out")" = 5 ] || fail "truncated: the 5 adverts before the cut"
grep -q "stopped at byte 1317, record 33: truncated record" "$WORKDIR/err" || fail "truncated: stderr: $(cat "$WORKDIR/err")"
expect_status 0 "$DECLOUDER" capture att "$WORKDIR/cut.btsnoop"
# nothing readable: exit 1 with a reason
head -c 30 "$DATA/picooc_session.btsnoop-h4" > "$WORKDIR/stub.btsnoop"
expect_status 1 "$DECLOUDER" capture att "$WORKDIR/stub.btsnoop"
expect_stderr_contains "truncated record header" "$DECLOUDER" capture att "$WORKDIR/stub.btsnoop"
printf 'hello' > "$WORKDIR/junk"
expect_status 1 "$DECLOUDER" capture info "$WORKDIR/junk"
expect_stderr_contains "not a capture" "$DECLOUDER" capture info "$WORKDIR/junk"
expect_status 1 "$DECLOUDER" capture info "$WORKDIR/missing"
expect_stderr_contains "no such file" "$DECLOUDER" capture info "$WORKDIR/missing"
# nothing was read is a failure: a btsnoop header alone, a text file whose only line is "> "
head -c 16 "$DATA/picooc_session.btsnoop-h4" > "$WORKDIR/header_only.btsnoop"
printf '> ' > "$WORKDIR/prompt.txt"
for f in header_only.btsnoop prompt.txt; do
  for c in info adverts att decode convert find; do
    args=(); [ $c = convert ] && args=(--to btsnoop-h4 --output "$WORKDIR/converted"); [ $c = find ] && args=(--value 1)
    expect_status 1 "$DECLOUDER" capture $c "$WORKDIR/$f" "${args[@]}"
    expect_stderr_contains "nothing was read" "$DECLOUDER" capture $c "$WORKDIR/$f" "${args[@]}"
  done
done
# a zero-filled tail (a crash, a preallocating writer): the records before it, then
# the first impossible record ends the reading, with how many bytes were ignored and why
cp "$DATA/picooc_session.btsnoop-h4" "$WORKDIR/zero_tail.btsnoop"
size=$(stat -c %s "$WORKDIR/zero_tail.btsnoop")
head -c 1000000 /dev/zero >> "$WORKDIR/zero_tail.btsnoop"
out=$("$DECLOUDER" capture info "$WORKDIR/zero_tail.btsnoop" 2>"$WORKDIR/err") || fail "zero tail: exit status $?"
whole=$("$DECLOUDER" capture info "$DATA/picooc_session.btsnoop-h4")
[ "$(grep '^records:' <<<"$out")" = "$(grep '^records:' <<<"$whole")" ] || fail "zero tail: records: $out"
[ "$(grep '^span:' <<<"$out")" = "$(grep '^span:' <<<"$whole")" ] || fail "zero tail: span: $out"
grep -q "stopped at byte $size, record [0-9]*: time stamp .* is before 1970.*the remaining 1000000 bytes were ignored (all zeros" \
  "$WORKDIR/err" || fail "zero tail: stderr: $(cat "$WORKDIR/err")"
# a directory, an unreadable file: said as such, exit 1, for every capture command
mkdir -p "$WORKDIR/a_directory"
for c in info adverts att decode find convert; do
  args=(); [ $c = convert ] && args=(--to btsnoop-h4 --output "$WORKDIR/converted"); [ $c = find ] && args=(--value 1)
  expect_status 1 "$DECLOUDER" capture $c "$WORKDIR/a_directory" "${args[@]}"
  expect_stderr_contains "a_directory: is a directory, not a file" "$DECLOUDER" capture $c "$WORKDIR/a_directory" "${args[@]}"
done
if [ "$(id -u)" != 0 ]; then  # root reads any file
  cp "$SESSION" "$WORKDIR/unreadable" && chmod 000 "$WORKDIR/unreadable"
  expect_stderr_contains "unreadable: cannot read it (Permission denied)" "$DECLOUDER" capture info "$WORKDIR/unreadable"
fi

# --- usage errors: exit 2 naming the argument
expect_status 2 "$DECLOUDER" capture att
expect_stderr_contains "--device" "$DECLOUDER" capture att "$SESSION" --device nonsense
expect_stderr_contains "--value" "$DECLOUDER" capture find "$SESSION" --value abc
expect_stderr_contains "--time" "$DECLOUDER" capture find "$SESSION" --value 1 --time yesterday
expect_stderr_contains "unknown option --bogus" "$DECLOUDER" capture adverts "$SESSION" --bogus
for c in info adverts att decode find convert; do
  "$DECLOUDER" capture $c --help | grep_all "Usage: declouder capture $c" || fail "capture $c --help"
done
pass
