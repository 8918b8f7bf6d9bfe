#!/usr/bin/env bash
# The Xiaomi S400/S200/S800 as a user meets them: encrypted adverts decoded with the bindkey
# given on the command line or written into the config's [[device]], and stored by `run`.
source "$(dirname "$0")/lib/common.sh"

# A real S400 frame and its owner's key (Home Assistant xiaomi-ble tests/test_parser.py).
frame=fe95=4859d53b0abc078ff2348c844138e930220000009e538599
out=$("$DECLOUDER" decode --service-data "$frame" --address 8C:D0:B2:F6:BE:EF --bindkey 0728974d657a4b60964c1b1677f35f7c --json)
expect_json "$out" '.model' '"xiaomi-s400"'
expect_json "$out" '.weight_kg' '69.9'
expect_json "$out" '.impedance_low_ohm' '543.2'
expect_json "$out" '.heart_rate_bpm' '92'
expect_json "$out" '.profile_id' '1'

# Without the key it says what is missing; a malformed key is a usage error.
expect_status 1 "$DECLOUDER" decode --service-data "$frame" --address 8C:D0:B2:F6:BE:EF
expect_stderr_contains "bindkey" "$DECLOUDER" decode --service-data "$frame" --address 8C:D0:B2:F6:BE:EF
expect_status 2 "$DECLOUDER" decode --service-data "$frame" --bindkey 0728
expect_stderr_contains "32 hex digits" "$DECLOUDER" decode --service-data "$frame" --bindkey 0728

# `run` with the simulated S400: the key in [[device]] decides. A wrong key stores nothing...
# One query's rows, "a|b" per line (python3's sqlite3: no sqlite3 program needed).
q() { python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(str(v) for v in r))' "$1" "$2"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/wrong.toml" <<TOML
[[device]]
address = "8C:D0:B2:F6:00:04"
bindkey = "00000000000000000000000000000000"
TOML
timeout -s INT 4 "$DECLOUDER" run --config "$dir/wrong.toml" --database "$dir/wrong.db" --simulate xiaomi-s400 >"$dir/wrong.log" 2>&1 || true
n=$(q "$dir/wrong.db" "SELECT count(*) FROM measurements")
[ "$n" = 0 ] || fail "a wrong bindkey still gave $n measurements"

# ...and the simulator's key (the one `simulate` prints) gives the weighing, with its profile as slot.
cat > "$dir/right.toml" <<TOML
[[person]]
name = "ana"
sex = "female"
birth_date = 1990-04-12
height_cm = 168
scale_user = 1

[[device]]
address = "8C:D0:B2:F6:00:04"
bindkey = "d3c1a7f0b25e4e8a9c6d0f1e2a3b4c5d"
TOML
timeout -s INT 4 "$DECLOUDER" run --config "$dir/right.toml" --database "$dir/right.db" --simulate xiaomi-s400:weight=61.3 >"$dir/right.log" 2>&1 || true
row=$(q "$dir/right.db" "SELECT m.weight_kg, m.impedance_ohm, p.name FROM measurements m JOIN people p ON p.id = m.person_id")
[ "$row" = "61.3|480.0|ana" ] || fail "expected 61.3 kg with 480 ohm for ana, got '$row' ($(cat "$dir/right.log"))"
high=$(q "$dir/right.db" "SELECT impedance_high_ohm, profile_id FROM readings WHERE weight_kg IS NULL LIMIT 1")
[ "$high" = "432.0|1" ] || fail "the 250 kHz frame was not kept as a reading (got '$high')"
pass
