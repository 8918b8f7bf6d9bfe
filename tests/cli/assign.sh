#!/usr/bin/env bash
# The unassigned inbox: weighings nobody could be matched to are kept, listed,
# assigned by hand, and then teach the "previous weight" rule. Uses the default
# database location (under $HOME) and the default config file.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=
mkdir -p "$HOME/.config/declouder"
cat > "$HOME/.config/declouder/config.toml" <<TOML
[assignment]
tolerance_kg = 2

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165

[[person]]
name = "bob"
sex = "male"
birth_date = 1992-01-01
height_cm = 180
TOML
DB="$HOME/.local/share/declouder/declouder.db"

json() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])'"$1"')' "$2"; }

# Nobody has a window or a history yet: both weighings stay unassigned.
m1=$("$DECLOUDER" record --weight-kg 61.2 --time 2024-03-01T07:00:00Z --json)
m2=$("$DECLOUDER" record --weight-kg 84.0 --impedance-ohm 480 --time 2024-03-01T07:05:00Z --json)
[ -f "$DB" ] || fail "no database at the default place $DB"
id1=$(json '["measurement"]["id"]' "$m1")
id2=$(json '["measurement"]["id"]' "$m2")
expect_json "$m1" '.measurement.person' 'null'
list=$("$DECLOUDER" assign --json)
[ "$(echo "$list" | wc -l)" = 2 ] || fail "the inbox should list 2: $list"
expect_json "$(echo "$list" | sed -n 1p)" '.assigned_by' '"unassigned: no user slot, window or previous weight matches 61.20 kg"'
"$DECLOUDER" assign | grep_all "(unassigned)" || fail "the text inbox lists nothing"

# Assign by hand: metrics appear, computed for that person.
"$DECLOUDER" assign "$id2" bob | grep_all "(unassigned) -> bob" || fail "assign did not report"
out=$("$DECLOUDER" history --person bob --json)
expect_json "$out" '.fat_percent' "$(json '["fat_percent"]' "$("$DECLOUDER" body --sex male --age 32 --height-cm 180 --weight-kg 84 --impedance-ohm 480 --json)")"

# A first weighing assigned by hand teaches the rules: the next day goes to bob by itself.
out=$("$DECLOUDER" record --weight-kg 83.1 --time 2024-03-02T07:00:00Z --json)
expect_json "$out" '.measurement.person' '"bob"'
expect_json "$out" '.note' '"previous weight 84.00 kg"'

# alice gets her first one by hand; --auto then settles nothing else wrongly.
"$DECLOUDER" assign "$id1" alice >/dev/null
out=$("$DECLOUDER" record --weight-kg 70.0 --time 2024-03-02T07:30:00Z --json)   # a guest: near nobody
expect_json "$out" '.measurement.person' 'null'
"$DECLOUDER" assign --auto | grep_all "0 assigned, 1 still unassigned" || fail "--auto assigned the guest"

# Re-assign, unassign; the measurement is never lost.
"$DECLOUDER" assign "$id1" bob | grep_all "alice -> bob" || fail "re-assign did not report alice -> bob"
"$DECLOUDER" assign "$id1" --none | grep_all "bob -> (unassigned)" || fail "--none did not unassign"
[ "$("$DECLOUDER" history --json | wc -l)" = 4 ] || fail "a measurement went missing"
# Unassigned by hand stays so under --auto.
"$DECLOUDER" assign --auto >/dev/null
expect_json "$("$DECLOUDER" history --unassigned --json | sed -n 1p)" '.id' "$id1"

# A window added to the config: --auto assigns the guest.
printf '\n[[person]]\nname = "guest"\nsex = "male"\nbirth_date = 1980-01-01\nheight_cm = 175\nweight_min = 69\nweight_max = 71\n' \
  >> "$HOME/.config/declouder/config.toml"
"$DECLOUDER" assign --auto | grep_all "70.00 kg) -> guest" || fail "--auto did not use the new window"

# Mistakes.
expect_status 1 "$DECLOUDER" assign "$id1" nobody
expect_stderr_contains "no person named 'nobody'" "$DECLOUDER" assign "$id1" nobody
expect_stderr_contains "no measurement with id 999" "$DECLOUDER" assign 999 bob
expect_status 2 "$DECLOUDER" assign abc bob
expect_stderr_contains "give a person after the measurement id" "$DECLOUDER" assign "$id1"
"$DECLOUDER" assign --help | grep_all -- "--auto" || fail "assign --help does not explain --auto"
pass
