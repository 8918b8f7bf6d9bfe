#!/usr/bin/env bash
# `declouder decode` as a user runs it: readings on stdout, reasons on stderr, exit codes.
source "$(dirname "$0")/lib/common.sh"

out=$("$DECLOUDER" decode --service-data 181b=0226e607020e10293af7019a38 --address c8:47:8c:00:00:01 --json)
expect_json "$out" '.model' '"xiaomi-mi-scale-2"'
expect_json "$out" '.weight_kg' '72.45'
expect_json "$out" '.impedance_ohm' '503'
expect_json "$out" '.stabilized' 'true'
expect_json "$out" '.address' '"C8:47:8C:00:00:01"'
expect_json "$out" '.device_time' '"2022-02-14T16:41:58"'
expect_json "$out" '.unit' '"kg"'

# bytes that are not a reading: exit 1, the reason on stderr
expect_status 1 "$DECLOUDER" decode --service-data 181b=0226e607
expect_stderr_contains "wrong length" "$DECLOUDER" decode --service-data 181b=0226e607

# malformed arguments: exit 2 and a one-line error naming the bad argument
expect_status 2 "$DECLOUDER" decode --service-data 181b=zz
expect_stderr_contains "--service-data" "$DECLOUDER" decode --service-data 181b=zz
expect_stderr_contains "not a UUID" "$DECLOUDER" decode --service-data 18=00
expect_stderr_contains "unknown option --bogus" "$DECLOUDER" decode --bogus

# Xiaomi Mi Scale v1: the openScale wiki frame
out=$("$DECLOUDER" decode --service-data 181d=62AC49E0070C140D1C04 --json)
expect_json "$out" '.model' '"xiaomi-mi-scale"'
expect_json "$out" '.weight_kg' '94.3'
expect_json "$out" '.stabilized' 'true'
expect_json "$out" '.device_time' '"2016-12-20T13:28:04"'
expect_json "$out" '.unit' '"kg"'

# Picooc Mini (seed 000): the response to the request, as a characteristic value
out=$("$DECLOUDER" decode --name PICOOC-CQ --gatt fff1=390d65f74ba50656150486fc00 --json)
expect_json "$out" '.model' '"picooc-mini"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.device_time' '"2024-03-17T19:59:33Z"'
expect_json "$out" '.stabilized' 'true'
[ "$(wc -l <<<"$out")" = 1 ] || fail "the Picooc response decoded more than once: $out"

# Crenot Gofit S2 (seed 001): an A3 result frame on 0xFFB3, full-form UUID
out=$("$DECLOUDER" decode --name "Crenot Gofit S2" --gatt 0000ffb3-0000-1000-8000-00805f9b34fb=030800a300012dc2000000000000000000000013 --json)
expect_json "$out" '.model' '"icomon-ffb0"'
expect_json "$out" '.weight_kg' '77.25'

# a standard Weight Measurement from a scale with any name: the user slot comes through
out=$("$DECLOUDER" decode --name "Acme Scale" --gatt 2a9d=069A38E8070311071E0002 --json)
expect_json "$out" '.model' '"bluetooth-sig-scale"'
expect_json "$out" '.weight_kg' '72.45'
expect_json "$out" '.user_slot' '2'

# a corrupted Picooc Mini Lite advert: exit 1 and the reason
expect_status 1 "$DECLOUDER" decode --name PICOOC-L --manufacturer-data 0x49d0=004b4f1e391f0676136087200041
expect_stderr_contains "bad checksum" "$DECLOUDER" decode --name PICOOC-L --manufacturer-data 0x49d0=004b4f1e391f0676136087200041
# a Picooc Mini advert is recognised, but its readings come over GATT
expect_status 1 "$DECLOUDER" decode --name PICOOC-CQ --manufacturer-data 10=d049003fa15c
expect_stderr_contains "picooc-mini: recognised" "$DECLOUDER" decode --name PICOOC-CQ --manufacturer-data 10=d049003fa15c
# an advert no family knows: exit 1
expect_stderr_contains "no supported device" "$DECLOUDER" decode --manufacturer-data 0x004c=0215

# help for every command
"$DECLOUDER" --help | grep_all "decode" || fail "--help does not list decode"
"$DECLOUDER" decode --help | grep_all -- "--service-data" || fail "decode --help does not explain --service-data"
pass
