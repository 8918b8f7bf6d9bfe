#!/usr/bin/env bash
# The web page in a real browser (Debian's chromium, headless), as a person would open it:
# a database holding a year of daily weighings for two people; the page must draw the
# charts, and the numbers it shows (the latest weight, the points drawn, the newest value
# of each chart) must be the database's. Screenshots are kept in
# $BUILD_DIR/test-artifacts/web/ for a person to look at.
source "$(dirname "$0")/lib/common.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP [$TEST_NAME]: no chromium (scripts/setup.sh installs it)"; exit 77; }
ARTIFACTS="${BUILD_DIR:-$WORKDIR}/test-artifacts/web"
mkdir -p "$ARTIFACTS"
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORKDIR"' EXIT
cat > "$WORKDIR/config.toml" <<TOML
[database]
path = "$WORKDIR/d.db"

[[person]]
name = "alice"
sex = "female"
birth_date = 1990-04-12
height_cm = 165
goal_weight = 60

[[person]]
name = "bob"
sex = "male"
birth_date = 1985-01-01
height_cm = 180
unit = "lb"
TOML
C=(--config "$WORKDIR/config.toml")
# A year of mornings, as openScale files (the import is the fast way in), then a few
# weighings with impedance for alice, and an unassigned one.
python3 - "$WORKDIR" <<'PY'
import math, sys, datetime
d0 = datetime.date(2025, 1, 1)
for name, base, fat in (("alice", 63.0, 29.0), ("bob", 88.0, 22.0)):
    with open(f"{sys.argv[1]}/{name}.csv", "w") as f:
        f.write("DATE,TIME,BODY_FAT,WATER,WEIGHT\n")
        for i in range(365):
            day = d0 + datetime.timedelta(days=i)
            w = base - 2.5 * i / 365 + 0.6 * math.sin(i / 9)
            f.write(f"{day},07:{i % 50:02d}:00,{fat - i / 200:.1f},{52 + i / 300:.1f},{w:.2f}\n")
PY
TZ=UTC "$DECLOUDER" import "${C[@]}" --format openscale-csv "$WORKDIR/alice.csv" --person alice >/dev/null
TZ=UTC "$DECLOUDER" import "${C[@]}" --format openscale-csv "$WORKDIR/bob.csv" --person bob >/dev/null
"$DECLOUDER" record "${C[@]}" --weight-kg 61.0 --impedance-ohm 510 --time 2026-01-01T07:00:00Z --person alice >/dev/null
"$DECLOUDER" record "${C[@]}" --weight-kg 35.5 --time 2026-01-01T08:00:00Z >/dev/null

"$DECLOUDER" web "${C[@]}" --listen 127.0.0.1:0 > "$WORKDIR/web.out" 2>"$WORKDIR/web.err" &
SERVER_PID=$!
for _ in $(seq 300); do [ -s "$WORKDIR/web.out" ] && break; sleep 0.1; done
URL=$(head -1 "$WORKDIR/web.out")
[[ "$URL" == http://* ]] || fail "web did not start: $(cat "$WORKDIR/web.err")"

browse() {  # browse QUERY NAME: the DOM after the page settled, and a screenshot
  local args=(--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
              --user-data-dir="$WORKDIR/chromium-$2" --window-size=1280,2600 --virtual-time-budget=20000)
  timeout 120 "$CHROMIUM" "${args[@]}" --dump-dom "$URL$1" > "$WORKDIR/$2.html" 2>"$WORKDIR/$2.err" \
    || fail "chromium: $(tail -5 "$WORKDIR/$2.err")"
  timeout 120 "$CHROMIUM" "${args[@]}" --screenshot="$ARTIFACTS/$2.png" "$URL$1" >/dev/null 2>&1 \
    || fail "chromium screenshot"
  [ -s "$ARTIFACTS/$2.png" ] || fail "no screenshot"
}

"$DECLOUDER" history "${C[@]}" --person alice --json > "$WORKDIR/alice.jsonl"
"$DECLOUDER" history "${C[@]}" --person bob --json > "$WORKDIR/bob.jsonl"
browse "?person=alice&range=0" alice-all
browse "?person=bob&range=31" bob-month
browse "?person=alice&range=365" alice-year

python3 - "$WORKDIR" <<'PY' || fail "the page does not show the database's numbers"
import html.parser, json, sys
from datetime import datetime, timedelta

work = sys.argv[1]

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.canvases, self.ids, self.rows, self.body, self._id, self._row = [], {}, [], {}, None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body": self.body = a
        if tag == "canvas": self.canvases.append(a)
        if "id" in a: self._id = a["id"]
        if tag == "tr" and "data-id" in a: self._row = a["data-id"]; self.rows.append(a["data-id"])
    def handle_data(self, data):
        if self._id and data.strip(): self.ids.setdefault(self._id, data.strip())
    def handle_endtag(self, tag): self._id = None

def load(name):
    p = Page(); p.feed(open(f"{work}/{name}.html").read()); return p

def check(name, person, days, unit_key):
    page = load(name)
    db = [json.loads(l) for l in open(f"{work}/{person}.jsonl")]
    assert page.body.get("data-ready") == "1", (name, "the page did not finish", page.body)
    assert page.ids.get("status") is None, (name, "the page reports", page.ids.get("status"))
    charts = {c["data-metric"]: c for c in page.canvases}
    w = charts.get("weight")
    assert w and w.get("data-drawn") == "1", (name, "no weight chart drawn", charts)
    end = datetime.fromisoformat(db[-1]["measured_at"].replace("Z", "+00:00"))
    shown = [m for m in db if days == 0 or datetime.fromisoformat(m["measured_at"].replace("Z", "+00:00")) > end - timedelta(days=days)]
    assert int(w["data-points"]) == len(shown), (name, w["data-points"], len(shown))
    assert w["data-last"] == f'{db[-1]["weight"]:.2f}', (name, w["data-last"], db[-1]["weight"])
    latest = page.ids.get("latest-weight")
    assert latest == f'{db[-1]["weight"]:.2f} {db[-1]["unit"]}', (name, latest, db[-1])
    fat = charts.get("fat_percent")
    with_fat = [m for m in shown if "fat_percent" in m]
    assert fat and int(fat["data-points"]) == len(with_fat), (name, fat, len(with_fat))
    assert fat["data-last"] == f'{with_fat[-1]["fat_percent"]:.1f}', (name, fat["data-last"], with_fat[-1])
    # The table: one row per weighing shown, newest first (plus the unassigned one below).
    ids = [str(m["id"]) for m in reversed(shown)]
    assert page.rows[: len(ids)] == ids, (name, page.rows[:5], ids[:5])
    return page

a = check("alice-all", "alice", 0, "kg")
assert len(a.rows) == 366 + 1, len(a.rows)  # 365 imported + 1 with impedance, + the unassigned one
check("bob-month", "bob", 31, "lb")
check("alice-year", "alice", 365, "kg")
b = load("bob-month")
assert b.ids.get("latest-weight", "").endswith(" lb"), b.ids.get("latest-weight")
PY
kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
echo "screenshots: $ARTIFACTS" >&2
pass
