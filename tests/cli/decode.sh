#!/usr/bin/env bash
# `declouder decode` as a user runs it: readings on stdout, reasons on stderr, exit codes.
source "$(dirname "$0")/lib.sh"

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

# help for every command
"$DECLOUDER" --help | grep -q "decode" || fail "--help does not list decode"
"$DECLOUDER" decode --help | grep -q -- "--service-data" || fail "decode --help does not explain --service-data"
pass
