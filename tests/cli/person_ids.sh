#!/usr/bin/env bash
# People's ids: two people whose names give one id would share one Home
# Assistant entity (their weighings merged), so such a config is refused with
# both people and where they are; an `id` settles it, and every measurement
# carries its person's id.
source "$(dirname "$0")/lib/common.sh"
export HOME="$WORKDIR/home" XDG_DATA_HOME= XDG_CONFIG_HOME=
CONFIG="$WORKDIR/config.toml"
person() {  # NAME [EXTRA LINE]
  printf '[[person]]\nname = "%s"\nsex = "female"\nbirth_date = 1990-04-12\nheight_cm = 165\n%s\n' "$1" "${2:-}"
}
{ echo '[database]'; echo 'path = "d.db"'; person "Zoë" 'weight_max = 60'; person "Zoé" 'weight_min = 61'; } > "$CONFIG"
expect_status 1 "$DECLOUDER" record --config "$CONFIG" --weight-kg 58
expect_stderr_contains "$CONFIG:10: person 'Zoé' gets the id 'zoe', as does person 'Zoë' ($CONFIG:4)" \
  "$DECLOUDER" record --config "$CONFIG" --weight-kg 58
[ ! -e "$WORKDIR/d.db" ] || fail "a refused config still stored something"

for pair in "Bob Smith|bob_smith" "Ann|ann"; do
  { person "${pair%|*}"; person "${pair#*|}"; } > "$CONFIG"
  expect_stderr_contains "gets the id '$(echo "${pair#*|}" | tr 'A-Z ' 'a-z_')', as does person '${pair%|*}'" \
    "$DECLOUDER" history --config "$CONFIG"
done

# An id of her own: both are stored apart, each measurement names its person's id.
{ echo '[database]'; echo 'path = "d.db"'; person "Zoë" 'weight_max = 60'; person "Zoé" $'weight_min = 61\nweight_max = 69\nid = "zoe_2"'
  person "王芳" $'weight_min = 70\nweight_max = 80'; } > "$CONFIG"
out=$("$DECLOUDER" record --config "$CONFIG" --weight-kg 58 --json)
expect_json "$out" '.measurement.person' '"Zo\u00eb"'
expect_json "$out" '.measurement.person_id' '"zoe"'
out=$("$DECLOUDER" record --config "$CONFIG" --weight-kg 64 --json)
expect_json "$out" '.measurement.person_id' '"zoe_2"'
out=$("$DECLOUDER" record --config "$CONFIG" --weight-kg 75 --json)
expect_json "$out" '.measurement.person' '"\u738b\u82b3"'
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["measurement"]["person_id"])' "$out")
[[ "$id" =~ ^person_[0-9a-f]{8}$ ]] || fail "a name without Latin letters got the id '$id'"
[ "$("$DECLOUDER" history --config "$CONFIG" --json | grep -c '"person_id":"zoe_2"')" = 1 ] || fail "history lost the id"

# --person (and assign's PERSON) takes the id as well as the name.
out=$("$DECLOUDER" record --config "$CONFIG" --weight-kg 90 --person zoe_2 --json)
expect_json "$out" '.measurement.person' '"Zo\u00e9"'
expect_json "$out" '.measurement.person_id' '"zoe_2"'
[ "$("$DECLOUDER" history --config "$CONFIG" --person zoe_2 --json | wc -l)" = 2 ] || fail "history --person ID"
[ "$("$DECLOUDER" history --config "$CONFIG" --person "Zoé" --json | wc -l)" = 2 ] || fail "history --person NAME"
[ "$("$DECLOUDER" history --config "$CONFIG" --person "$id" --json | grep -c '"weight_kg":75')" = 1 ] \
  || fail "history --person with the derived id $id"
mid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["measurement"]["id"])' "$out")
"$DECLOUDER" assign --config "$CONFIG" "$mid" zoe | grep_all -- "-> Zoë" || fail "assign by id"
"$DECLOUDER" export --config "$CONFIG" --format csv --person zoe | grep_all ",90" || fail "export --person ID"
"$DECLOUDER" import --config "$CONFIG" --format openscale-csv --person zoe_2 /dev/null 2>/dev/null && fail "import of nothing"
# Unknown: the error lists everyone, by name and id.
expect_status 1 "$DECLOUDER" history --config "$CONFIG" --person zoey
expect_stderr_contains "--person: no person named 'zoey', by name or by id (the people: " \
  "$DECLOUDER" history --config "$CONFIG" --person zoey
expect_stderr_contains "Zoé (id zoe_2)" "$DECLOUDER" history --config "$CONFIG" --person zoey
expect_stderr_contains "王芳 (id $id)" "$DECLOUDER" assign --config "$CONFIG" "$mid" zoey
# Ambiguous: a name that is someone else's id.
{ echo '[database]'; echo 'path = "d.db"'; person "Zoë" 'weight_max = 60'; person "Zoé" $'weight_min = 61\nweight_max = 69\nid = "zoe_2"'
  person "zoe_2" $'weight_min = 100\nid = "zed"'; } > "$WORKDIR/ambiguous.toml"
expect_status 1 "$DECLOUDER" history --config "$WORKDIR/ambiguous.toml" --person zoe_2
expect_stderr_contains "'zoe_2' is the name of zoe_2 (id zed) and the id of Zoé" \
  "$DECLOUDER" history --config "$WORKDIR/ambiguous.toml" --person zoe_2
[ "$("$DECLOUDER" history --config "$WORKDIR/ambiguous.toml" --person zed --json | wc -l)" = 0 ] || fail "--person zed"

echo 'id = "Not/Safe"' >> "$CONFIG"
expect_stderr_contains "id \"Not/Safe\" must be 1..64 characters of a-z, 0-9 and _" "$DECLOUDER" history --config "$CONFIG"
pass
