#!/usr/bin/env bash
# Every scale heard only in its advertisements has a simulator a person can try declouder
# with: `declouder simulate <it> --capture` writes what a phone's HCI log would hold, and
# `declouder capture decode` reads the weighing back as that device (weight to the scale's own
# resolution, and the impedance where the family reports one); `run --simulate` stores it once.
source "$(dirname "$0")/lib/common.sh"

"$DECLOUDER" devices --json >"$WORKDIR/devices.json" || fail "devices --json failed"
broadcasts=$(python3 - "$WORKDIR/devices.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
devices = doc if isinstance(doc, list) else doc["devices"]
missing = [d["id"] for d in devices if d["link"] == "advertisement" and not d.get("simulator")]
if missing:
    sys.exit("advertisement-only devices without a simulator: " + ", ".join(missing))
print(" ".join(f'{d["id"]}:{d["simulator"]}:{int("impedance_ohm" in d["reports"])}'
               for d in devices if d["link"] == "advertisement"))
EOF
) || fail "$broadcasts"

KEY=5e2b8c0d4a7f19e63b1c9d0a8e4f7b21
tried=0
for entry in $broadcasts; do
  IFS=: read -r id sim reports_impedance <<<"$entry"
  args=(--weight 83.7 --impedance 512)
  decode_args=()
  # The encrypted Xiaomi adverts are read back with the key their owner holds.
  case "$id" in xiaomi-s*) args+=(--bindkey "$KEY") decode_args=(--bindkey "$KEY") ;; esac
  timeout 60 "$DECLOUDER" simulate "$sim" "${args[@]}" --capture "$WORKDIR/$sim.btsnoop" >"$WORKDIR/$sim.out" 2>&1 ||
    fail "simulate $sim --capture: $(cat "$WORKDIR/$sim.out")"
  out=$("$DECLOUDER" capture decode "$WORKDIR/$sim.btsnoop" "${decode_args[@]}" --json) ||
    fail "capture decode of $sim's capture failed: $out"
  weighing=$(grep "\"model\":\"$id\"" <<<"$out" | grep '"weight_kg"' | tail -1)
  [ -n "$weighing" ] || fail "$sim's capture gave no weighing of $id: $out"
  python3 - "$weighing" "$reports_impedance" <<'EOF' || fail "$sim: $weighing"
import json, sys
r = json.loads(sys.argv[1])
assert abs(r["weight_kg"] - 83.7) <= 0.05, f'weight {r["weight_kg"]}, not 83.7'
if sys.argv[2] == "1":
    z = r.get("impedance_ohm", r.get("impedance_low_ohm"))
    assert z is not None and abs(z - 512) <= 0.5, f"impedance {z}, not 512"
EOF
  tried=$((tried + 1))
done
[ "$tried" -ge 8 ] || fail "only $tried broadcast simulators were tried"

# Those that joined last, through the gateway for 12 s: each repeats its weighing every few
# seconds, and each is stored once.
printf '' >"$WORKDIR/empty.toml"
timeout 12 "$DECLOUDER" run --config "$WORKDIR/empty.toml" --simulate qn-broadcast --simulate chipsea-okok --simulate chipsea-okok-vf0 \
  --simulate picooc-mini-lite --simulate yunmai-x --database "$WORKDIR/gateway.db" --jsonl "$WORKDIR/out.jsonl" 2>"$WORKDIR/run.err" ||
  [ $? = 124 ] || fail "run --simulate failed: $(tail -5 "$WORKDIR/run.err")"  # 124: stopped by timeout
for id in qn-broadcast chipsea-okok chipsea-okok-vf0 picooc-mini-lite yunmai-x; do
  n=$(grep -c "\"model\":\"$id\"" "$WORKDIR/out.jsonl" || true)
  [ "$n" = 1 ] || fail "run --simulate stored $id $n times: $(cat "$WORKDIR/out.jsonl") $(tail -5 "$WORKDIR/run.err")"
done
pass
