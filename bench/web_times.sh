#!/usr/bin/env bash
# The web page's figures (README, docs/benchmarks.md): 10 years of daily weighings for 4 people
# (imported as openScale files), then: Chromium's time to the first chart (navigation start to
# Chart.js having drawn it, as the page records it), the /api/ response times, and the server's
# resident memory after serving all that.
# Usage: bench/web_times.sh [build/declouder]
set -euo pipefail
DECLOUDER=${1:-build/declouder}
W=$(mktemp -d /tmp/declouder-webbench.XXXXXX)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
: > "$W/config.toml"
printf '[database]\npath = "%s/d.db"\n' "$W" >> "$W/config.toml"
for p in ann ben cat dan; do
  printf '[[person]]\nname = "%s"\nsex = "female"\nbirth_date = 1980-01-01\nheight_cm = 170\n' "$p" >> "$W/config.toml"
done
python3 - "$W" <<'PY'
import datetime, math, sys
for n, p in enumerate(["ann", "ben", "cat", "dan"]):
    with open(f"{sys.argv[1]}/{p}.csv", "w") as f:
        f.write("DATE,TIME,BODY_FAT,WATER,WEIGHT\n")
        for i in range(3652):
            d = datetime.date(2016, 1, 1) + datetime.timedelta(days=i)
            f.write(f"{d},07:00:00,{25 + math.sin(i / 30):.1f},{52 + math.cos(i / 40):.1f},{60 + 10 * n + 3 * math.sin(i / 50):.2f}\n")
PY
start=$(date +%s.%N)
for p in ann ben cat dan; do TZ=UTC "$DECLOUDER" import --config "$W/config.toml" --format openscale-csv "$W/$p.csv" --person $p >/dev/null; done
echo "import 4 x 3652 weighings: $(echo "$(date +%s.%N) - $start" | bc) s"
"$DECLOUDER" web --config "$W/config.toml" --listen 127.0.0.1:0 > "$W/out" 2>/dev/null &
PID=$!
for _ in $(seq 100); do [ -s "$W/out" ] && break; sleep 0.1; done
URL=$(head -1 "$W/out")
python3 - "$URL" <<'PY'
import statistics, sys, time, urllib.request
url = sys.argv[1]
for path in ["api/people", "api/measurements?person=ann", "api/measurements?person=ann&from=2025-01-01"]:
    times, size = [], 0
    for _ in range(20):
        t = time.perf_counter()
        size = len(urllib.request.urlopen(url + path).read())
        times.append((time.perf_counter() - t) * 1000)
    print(f"GET /{path}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, {size / 1e6:.2f} MB")
PY
for range in 31 0; do
  chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$W/chr$range" \
    --virtual-time-budget=60000 --dump-dom "${URL}?person=ann&range=$range" 2>/dev/null \
    | grep -o 'data-first-chart-ms="[0-9]*"' | sed "s/^/Chromium, range $range days (0: all 3652), time to the first chart: /; s/data-first-chart-ms=//; s/\"//g; s/$/ ms/"
done
echo "server resident memory after that: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}'), peak $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
