#!/usr/bin/env bash
# `declouder web`: the JSON API as another program (or the page) uses it, over real HTTP on
# loopback: people, measurements in the person's unit, assign / re-assign / delete with the
# rules and storage of `declouder assign`, the devices heard, downloads; and the refusal to
# listen beyond loopback without a token, and the token when there is one.
source "$(dirname "$0")/lib/common.sh"
HTTP="python3 $(dirname "$0")/lib/http_request.py"
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORKDIR"' EXIT
cat > "$WORKDIR/config.toml" <<TOML
[database]
path = "$WORKDIR/d.db"

[[person]]
name = "Anne-Marie"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
goal_weight = 58

[[person]]
name = "bob"
sex = "male"
birth_date = 1985-01-01
height_cm = 180
unit = "lb"
TOML
C=(--config "$WORKDIR/config.toml")
"$DECLOUDER" record "${C[@]}" --weight-kg 61.2 --impedance-ohm 520 --time 2025-03-01T07:00:00Z --person Anne-Marie >/dev/null
"$DECLOUDER" record "${C[@]}" --weight-kg 60.8 --time 2025-03-02T07:00:00Z --person Anne-Marie >/dev/null
"$DECLOUDER" record "${C[@]}" --weight-kg 90.5 --time 2025-03-02T07:10:00Z --person bob >/dev/null
# A Mi Body Composition Scale 2 frame (72.45 kg, 2022-02-14): nobody's, so unassigned.
"$DECLOUDER" record "${C[@]}" --service-data 181b=0226e607020e10293af7019a38 --address C8:47:8C:00:00:01 >/dev/null

start() {  # start ARGS...: serves in the background, sets URL
  # The last server's address must not be read as this one's: the background shell may truncate
  # web.out only after the loop below has looked at it (under load, it did: "connection refused").
  rm -f "$WORKDIR/web.out"
  "$DECLOUDER" web "$@" > "$WORKDIR/web.out" 2> "$WORKDIR/web.err" &
  SERVER_PID=$!
  for _ in $(seq 300); do [ -s "$WORKDIR/web.out" ] && break; kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  URL=$(head -1 "$WORKDIR/web.out")
  [[ "$URL" == http://* ]] || fail "web did not start: $(cat "$WORKDIR/web.err")"
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" || fail "web did not stop cleanly"; SERVER_PID=; }
status_of() { head -1 <<<"$1"; }
body_of() { tail -n +2 <<<"$1"; }

start "${C[@]}" --listen 127.0.0.1:0
[[ "$URL" == http://127.0.0.1:* ]] || fail "not on loopback: $URL"

r=$($HTTP GET "${URL}api/people")
[ "$(status_of "$r")" = 200 ] || fail "GET /api/people: $r"
people=$(body_of "$r")
expect_json "$people" "0.id" '"anne_marie"'
expect_json "$people" "0.name" '"Anne-Marie"'
expect_json "$people" "0.measurements" '2'
expect_json "$people" "0.goal_weight_kg" '58'
expect_json "$people" "1.id" '"bob"'
expect_json "$people" "1.unit" '"lb"'

# The measurements of one person: an array, measured_at in ISO 8601, weight_kg, the metrics,
# weight in the person's unit; the same numbers `history --json` gives.
ms=$(body_of "$($HTTP GET "${URL}api/measurements?person=anne_marie")")
expect_json "$ms" "0.measured_at" '"2025-03-01T07:00:00.000000Z"'
expect_json "$ms" "0.weight_kg" '61.2'
expect_json "$ms" "1.weight_kg" '60.8'
history=$("$DECLOUDER" history "${C[@]}" --person Anne-Marie --json | head -1)
python3 -c 'import json,sys; a=json.loads(sys.argv[1])[0]; b=json.loads(sys.argv[2]); sys.exit(0 if a==b else 1)' "$ms" "$history" \
  || fail "the API and history --json disagree: $ms / $history"
expect_json "$(body_of "$($HTTP GET "${URL}api/measurements?person=bob")")" "0.weight" '199.52'
expect_json "$(body_of "$($HTTP GET "${URL}api/measurements?person=anne_marie&from=2025-03-02")")" "0.weight_kg" '60.8'
[ "$(status_of "$($HTTP GET "${URL}api/measurements?person=nobody")")" = 404 ] || fail "unknown person is not 404"
[ "$(status_of "$($HTTP GET "${URL}api/measurements?person=bob&from=yesterday")")" = 400 ] || fail "bad date is not 400"
[ "$(status_of "$($HTTP GET "${URL}api/nothing")")" = 404 ] || fail "unknown route is not 404"

# The unassigned weighing: assign it, re-assign it, unassign it, delete it.
un=$(body_of "$($HTTP GET "${URL}api/unassigned")")
expect_json "$un" "0.weight_kg" '72.45'
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["id"])' "$un")
r=$($HTTP POST "${URL}api/measurements/$id/assign" '{"person":"bob"}')
[ "$(status_of "$r")" = 200 ] || fail "assign: $r"
expect_json "$(body_of "$r")" "person" '"bob"'
"$DECLOUDER" history "${C[@]}" --person bob --json | grep_all '"weight_kg":72.45' || fail "assigned on the page, not in the store"
"$DECLOUDER" assign "${C[@]}" --json | grep_all 72.45 && fail "still unassigned for declouder assign"
r=$($HTTP POST "${URL}api/measurements/$id/assign" '{"person":"anne_marie"}')
expect_json "$(body_of "$r")" "person" '"Anne-Marie"'
expect_json "$(body_of "$r")" "previous_person" '"bob"'
r=$($HTTP POST "${URL}api/measurements/$id/assign" '{"person":null}')
expect_json "$(body_of "$r")" "person" 'null'
"$DECLOUDER" assign "${C[@]}" --json | grep_all '"assigned_by":"manual: unassigned"' || fail "unassigned on the page, not in the store"
[ "$(status_of "$($HTTP POST "${URL}api/measurements/$id/assign" '{"person":"carol"}')")" = 404 ] || fail "unknown person assign"
[ "$(status_of "$($HTTP POST "${URL}api/measurements/$id/assign" 'not json')")" = 400 ] || fail "bad body"
# A change from another site's page is refused (the browser sends its Origin).
[ "$(status_of "$($HTTP DELETE "${URL}api/measurements/$id" -H 'Origin: http://evil.example')")" = 403 ] || fail "cross-site delete"
r=$($HTTP DELETE "${URL}api/measurements/$id")
[ "$(status_of "$r")" = 200 ] || fail "delete: $r"
[ "$(body_of "$($HTTP GET "${URL}api/unassigned")")" = "[]" ] || fail "deleted weighing still listed"
# The scale re-advertises the same weighing: it stays deleted.
"$DECLOUDER" record "${C[@]}" --service-data 181b=0226e607020e10293af7019a38 --address C8:47:8C:00:00:01 | grep_all "repeat" \
  || fail "the deleted weighing came back"
[ "$(status_of "$($HTTP DELETE "${URL}api/measurements/$id")")" = 404 ] || fail "deleting twice"

devices=$(body_of "$($HTTP GET "${URL}api/devices")")
python3 - "$devices" <<'PY' || fail "devices: $devices"
import json, sys
d = {x["family"]: x for x in json.loads(sys.argv[1])}
assert d["xiaomi-mi-scale-2"]["address"] == "C8:47:8C:00:00:01", d
assert d["xiaomi-mi-scale-2"]["last_seen"].endswith("Z"), d
assert d["manual"]["measurements"] == 3, d
PY

# Downloads: the same files as `declouder export`.
$HTTP GET "${URL}api/export?format=openscale-csv&person=anne_marie" | tail -n +2 | head -n -1 > "$WORKDIR/page.csv"
"$DECLOUDER" export "${C[@]}" --format openscale-csv --person Anne-Marie > "$WORKDIR/cli.csv"
cmp -s "$WORKDIR/page.csv" "$WORKDIR/cli.csv" || fail "download and export differ: $(diff "$WORKDIR/page.csv" "$WORKDIR/cli.csv")"

# The page and Chart.js, served by declouder from the install.
page=$($HTTP GET "$URL")
[ "$(status_of "$page")" = 200 ] && grep_all '/assets/chart.js' <<<"$page" || fail "page"
js=$($HTTP GET "${URL}assets/chart.js")
[ "$(status_of "$js")" = 200 ] && grep_all 'Chart' <<<"$js" || fail "chart.js not served: $(head -c 300 <<<"$js")"
stop

# Beyond loopback: refused without a token, and it says why.
expect_status 1 "$DECLOUDER" web "${C[@]}" --listen 0.0.0.0:0
expect_stderr_contains "without a password" "$DECLOUDER" web "${C[@]}" --listen 0.0.0.0:0
expect_status 2 "$DECLOUDER" web "${C[@]}" --listen nonsense
printf '\n[web]\nlisten = "0.0.0.0:0"\ntoken = "s3cret-token"\n' >> "$WORKDIR/config.toml"
start "${C[@]}"
[ "$(status_of "$($HTTP GET "${URL}api/people")")" = 401 ] || fail "no token: not 401"
[ "$(status_of "$($HTTP GET "${URL}api/people" -H 'Authorization: Bearer wrong')")" = 401 ] || fail "wrong token: not 401"
[ "$(status_of "$($HTTP GET "${URL}api/people" -H 'Authorization: Bearer s3cret-token')")" = 200 ] || fail "bearer token"
basic=$(printf 'me:s3cret-token' | base64)
[ "$(status_of "$($HTTP GET "${URL}" -H "Authorization: Basic $basic")")" = 200 ] || fail "basic auth"
stop

# `run` with [web]: the page beside the gateway, on its own connection, sees what the
# gateway stores while it runs.
cat > "$WORKDIR/run.toml" <<TOML
[database]
path = "$WORKDIR/run.db"
[web]
listen = "127.0.0.1:0"
TOML
"$DECLOUDER" run --config "$WORKDIR/run.toml" --simulate "mi-scale-2:weighings=50,interval=0.3,frame_ms=5,clock=2026-11-21T07:00:00" \
  > /dev/null 2> "$WORKDIR/run.err" &
SERVER_PID=$!
for _ in $(seq 300); do grep_all "web page: http" "$WORKDIR/run.err" && break; sleep 0.1; done
URL=$(grep -o 'web page: http[^ ]*' "$WORKDIR/run.err" | head -1 | cut -d' ' -f3)
[[ "$URL" == http://127.0.0.1:* ]] || fail "run did not serve the page: $(cat "$WORKDIR/run.err")"
seen=
for _ in $(seq 100); do
  grep_all '"family":"xiaomi-mi-scale-2"' <<<"$($HTTP GET "${URL}api/devices")" && { seen=1; break; }
  sleep 0.2
done
[ -n "$seen" ] || fail "the page beside the gateway does not see the simulated scale: $($HTTP GET "${URL}api/devices")"
[ "$(status_of "$($HTTP GET "${URL}api/unassigned")")" = 200 ] || fail "run's page: /api/unassigned"
kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
# [web] beyond loopback without a token stops run too, saying why.
printf '[web]\nlisten = "0.0.0.0:0"\n' > "$WORKDIR/open.toml"
expect_stderr_contains "without a password" "$DECLOUDER" run --config "$WORKDIR/open.toml" --database "$WORKDIR/o.db" \
  --simulate "mi-scale-2:weighings=1"
pass
