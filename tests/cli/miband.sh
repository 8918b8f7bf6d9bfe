#!/usr/bin/env bash
# `declouder miband user-info`: the 20 bytes, checksum included, as a user runs it.
source "$(dirname "$0")/lib/common.sh"

# The research notes' worked example (CRC-8/MAXIM over bytes 0-18 = 0xcf, ^ 0xab = 0x64).
out=$("$DECLOUDER" miband user-info --mac C8:0F:10:00:00:AB --uid 1550050550 --sex male --age 30 \
      --height-cm 175 --weight-kg 70 --alias 15500505)
[ "$out" = "f6e4635c011eaf46000400313535303035303564" ] || fail "1s user info: $out"
out=$("$DECLOUDER" miband user-info --mac 88:0F:10:00:00:AB --uid 1550050550 --sex male --age 30 \
      --height-cm 175 --weight-kg 70 --alias 1550050550 --model 1)
[ "$out" = "f6e4635c011eaf46003135353030353035353099" ] || fail "mi1 user info: $out"
# The MAC's last octet changes only the checksum byte.
out=$("$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00 --uid 1550050550 --sex male --age 30 \
      --height-cm 175 --weight-kg 70 --alias 15500505)
[ "$out" = "f6e4635c011eaf460004003135353030353035cf" ] || fail "checksum with MAC ...:00: $out"

expect_stderr_contains "--mac" "$DECLOUDER" miband user-info --mac nope --uid 1 --sex male --age 1 --height-cm 1 --weight-kg 1 --alias a
expect_stderr_contains "--sex" "$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00 --uid 1 --sex other --age 1 --height-cm 1 --weight-kg 1 --alias a
expect_stderr_contains "--alias" "$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00 --uid 1 --sex male --age 1 --height-cm 1 --weight-kg 1 --alias 123456789
expect_stderr_contains "--age" "$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00 --uid 1 --sex male --age 300 --height-cm 1 --weight-kg 1 --alias a
expect_stderr_contains "--model" "$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00 --uid 1 --sex male --age 3 --height-cm 1 --weight-kg 1 --alias a --model 2
expect_status 2 "$DECLOUDER" miband user-info --mac C8:0F:10:00:00:00
"$DECLOUDER" miband user-info --help | grep_all "CRC-8/MAXIM" || fail "help does not explain the checksum"

# The registry decodes what the band notifies.
out=$("$DECLOUDER" decode --gatt 2a37=0646 --json)
expect_json "$out" '.heart_rate_bpm' '70'
out=$("$DECLOUDER" decode --gatt ff06=e803 --json)
expect_json "$out" '.steps' '1000'
pass
