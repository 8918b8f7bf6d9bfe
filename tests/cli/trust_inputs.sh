#!/usr/bin/env bash
# What a careless (or hostile) user types never becomes a weighing: absurd
# weights and impedances, nan and inf, numbers that overflow, an option taken
# as another's value, a pasted megabyte. Each is refused with a reason that
# names what was wrong, and nothing is stored.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=
DB="$WORKDIR/d.db"
count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM measurements").fetchone()[0])' "$DB"; }

"$DECLOUDER" record --weight-kg 70 --database "$DB" > /dev/null || fail "a plain weighing is refused"
for entry in "--weight-kg 1e308|is above the 300.0 kg a person can weigh" \
             "--weight 80 --unit st|508.023 kg is above the 300.0 kg" \
             "--weight-kg 70 --impedance-ohm -1|an impedance of -1 ohm is not a body's" \
             "--weight-kg 0.2|below the 5.0 kg minimum" \
             "--weight-kg nan|'nan' is not a number" \
             "--weight-kg inf|'inf' is not a number" \
             "--weight-kg 1e400|is not a number"; do
  # shellcheck disable=SC2086
  expect_stderr_contains "${entry#*|}" "$DECLOUDER" record ${entry%|*} --database "$DB"
  rc=0
  # shellcheck disable=SC2086
  "$DECLOUDER" record ${entry%|*} --database "$DB" > /dev/null 2>&1 || rc=$?
  [ "$rc" != 0 ] || fail "record ${entry%|*} was accepted"
done
[ "$(count)" = 1 ] || fail "an absurd weighing was stored ($(count) measurements)"

# nan, inf and overflow in every kind of option.
expect_stderr_contains "--seconds: 'nan' is not a number" "$DECLOUDER" scan --seconds nan
expect_stderr_contains "--stop-timeout: 'inf' is not a number" "$DECLOUDER" run --stop-timeout inf --database "$DB"
expect_stderr_contains "--weight: 'nan' is not a number" "$DECLOUDER" simulate mi-scale-2 --weight nan
expect_stderr_contains "--baud: '99999999999' is outside 50..4000000" "$DECLOUDER" bodybugg info --port /dev/null --baud 99999999999
expect_stderr_contains "--heart-rate: '4294967297' is outside 0..250" "$DECLOUDER" simulate mi-band --heart-rate 4294967297

# An option is not another option's value.
expect_status 2 "$DECLOUDER" decode --name --address --json
expect_stderr_contains "needs a value, not the option '--" "$DECLOUDER" decode --name --address --json
expect_stderr_contains "--name needs a value, not the option '--json'" "$DECLOUDER" decode --address 5C:CA:D3:00:00:01 --name --json

# A pasted megabyte is quoted, not echoed.
big=$(head -c 100000 /dev/zero | tr '\0' 7)
err=$("$DECLOUDER" record --weight-kg "$big" --database "$DB" 2>&1 >/dev/null || true)
[ "${#err}" -lt 300 ] || fail "a ${#big}-character value is echoed in a ${#err}-character error"
[[ "$err" == *"(100000 characters)"* ]] || fail "the error does not say how long the value was: $err"

# The config: nan and overflowing numbers and a topic-unsafe gateway id, with their lines.
printf '[gateway]\nsettle_seconds = nan\n' > "$WORKDIR/c1.toml"
expect_stderr_contains "c1.toml:2: [gateway] settle_seconds = nan is outside 0..3600" \
  "$DECLOUDER" run --config "$WORKDIR/c1.toml" --database "$DB" --simulate mi-scale-2:weighings=1
printf '[domoticz]\n[[domoticz.sensor]]\nidx = 99999999999\n' > "$WORKDIR/c2.toml"
expect_stderr_contains "c2.toml:3: [[domoticz.sensor]] idx = 99999999999 is outside 0..2147483647" \
  "$DECLOUDER" run --config "$WORKDIR/c2.toml" --database "$DB" --simulate mi-scale-2:weighings=1
printf '[gateway]\nid = "a/b"\n' > "$WORKDIR/c3.toml"
expect_stderr_contains "c3.toml:2: [gateway] id \"a/b\" must be a name without / + or #" \
  "$DECLOUDER" run --config "$WORKDIR/c3.toml" --database "$DB" --simulate mi-scale-2:weighings=1
expect_stderr_contains "--from 2026-02-01 is not before --to 2026-01-01" "$DECLOUDER" history --database "$DB" --from 2026-02-01 --to 2026-01-01
expect_stderr_contains "is a directory, not a config file" "$DECLOUDER" history --config "$WORKDIR" --database "$DB"

# Every command that reads a file someone names says the same for the same fault, exit 1:
# a directory, an empty file, a missing one, and (not as root, who reads anything) an unreadable one.
mkdir -p "$WORKDIR/a_dir"; : > "$WORKDIR/empty"; printf 'x\n' > "$WORKDIR/locked"; chmod 000 "$WORKDIR/locked"
file_commands=(
  "bodybugg parse"
  "bodybugg parse --json"
  "import --format openscale-csv --person nobody --database $DB"
  "export --format armband-csv --database $DB --calibration"
  "capture info"
)
for c in "${file_commands[@]}"; do
  # shellcheck disable=SC2086
  expect_status 1 "$DECLOUDER" $c "$WORKDIR/a_dir"
  expect_stderr_contains "a_dir: is a directory, not a file" "$DECLOUDER" $c "$WORKDIR/a_dir"
  expect_stderr_contains "empty: the file is empty" "$DECLOUDER" $c "$WORKDIR/empty"
  expect_stderr_contains "missing: no such file" "$DECLOUDER" $c "$WORKDIR/missing"
  if [ "$(id -u)" != 0 ]; then
    expect_stderr_contains "locked: cannot read it (Permission denied)" "$DECLOUDER" $c "$WORKDIR/locked"
  fi
done
[ -z "$("$DECLOUDER" bodybugg parse "$WORKDIR/a_dir" 2>/dev/null)" ] || fail "bodybugg parse DIR printed something"
printf '[mqtt]\nurl = "mqtt://127.0.0.1:1"\npassword_file = "a_dir"\n' > "$WORKDIR/pw.toml"
expect_stderr_contains "[mqtt] password_file $WORKDIR/a_dir: is a directory, not a file" \
  "$DECLOUDER" run --config "$WORKDIR/pw.toml" --database "$DB" --simulate mi-scale-2:weighings=0
pass
