#!/usr/bin/env bash
# Three gateways in three rooms share one real Mosquitto broker and hear two
# simulated scales at different signal strengths. Each gateway publishes what
# it heard under its own id; Home Assistant receives every weighing exactly
# once, even though the broker is stopped and started again mid-run and one
# weighing is missed by the scale's owner.
#
#   scale A (:0A): bathroom -50 dBm, hall -70, bedroom -85; the bathroom misses weighing 3
#   scale B (:0B): hall -80, bedroom -55; the bathroom does not hear it; the hall leaves before weighing 5
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/broker.sh"

HA="$WORKDIR/household.txt"
FEEDS="$WORKDIR/feeds.txt"
A="mi-scale-2:address=5C:CA:D3:00:00:0A,clock=2026-11-21T07:00:00,clock_step=60,frame_ms=20,interval=1.2,weighings=6"
B="mi-scale-2:address=5C:CA:D3:00:00:0B,clock=2026-11-21T08:00:00,clock_step=60,frame_ms=20,interval=1.6,weights=61.3/90.1,impedances=480/0"
CONFIG="$WORKDIR/gateway.toml"
cat > "$CONFIG" <<TOML
[gateway]
standby_seconds = 2   # a non-owner claims a weighing nobody claimed after 2 s
TOML

broker_start
start_household_subscriber "$HA" 'declouder/scales/+/measurement'
# Persistent sessions, like the household's: they must not miss what the
# gateways send right after the broker comes back.
mosquitto_sub -p "$BROKER_PORT" -i "feeds-$$" -c -q 1 -v -t 'declouder/gateways/+/measurements' > "$FEEDS" 2>/dev/null &
TEST_PIDS+=($!)
OWNERS="$WORKDIR/owners.txt"
mosquitto_sub -p "$BROKER_PORT" -i "owners-$$" -c -q 1 -v -t 'declouder/devices/+/owner' -t 'declouder/gateways/+/status' > "$OWNERS" 2>/dev/null &
TEST_PIDS+=($!)
sleep 0.5

start_gateway() {  # NAME SIMULATE...
  local name=$1; shift
  local sims=()
  for s in "$@"; do sims+=(--simulate "$s"); done
  "$DECLOUDER" run --config "$CONFIG" "${sims[@]}" --mqtt "mqtt://127.0.0.1:$BROKER_PORT" --gateway-id "$name" \
    --database "$WORKDIR/$name.db" --jsonl "$WORKDIR/$name.jsonl" > /dev/null 2> "$WORKDIR/$name.err" &
  TEST_PIDS+=($!)
  eval "PID_$name=$!"
}
start_gateway bathroom "$A,rssi=-50,skip=3"
start_gateway hall "$A,rssi=-70" "$B,rssi=-80,weighings=4"
start_gateway bedroom "$A,rssi=-85" "$B,rssi=-55,weighings=5"

# Mid-run, the broker goes away for a while and comes back.
wait_until 20 at_least "$HA" 'measurement' 2 || fail "nothing delivered: $(tail -3 "$WORKDIR/bathroom.err")"
broker_stop
sleep 1.5
broker_start

for name in bathroom hall bedroom; do
  pid_var="PID_$name"
  wait_exit "${!pid_var}" 90 || fail "gateway $name did not finish: $(tail -5 "$WORKDIR/$name.err")"
done
sleep 0.5

python3 - "$WORKDIR" "$HA" "$FEEDS" "$OWNERS" <<'PY' || fail "exactly-once check failed (see above)"
import json, sys, collections
work, ha, feeds, owners = sys.argv[1:5]
heard = {}   # uid -> gateways that stored it
for name in ["bathroom", "hall", "bedroom"]:
    for line in open(f"{work}/{name}.jsonl"):
        heard.setdefault(json.loads(line)["uid"], set()).add(name)
delivered = collections.Counter()
by = {}
for line in open(ha):
    topic, _, payload = line.rstrip("\n").partition(" ")
    m = json.loads(payload)
    delivered[m["uid"]] += 1
    by[m["uid"]] = (m["address"], m["device_time"], m["gateway"])
if len(heard) != 11: sys.exit(f"expected 11 distinct weighings stored across gateways, got {len(heard)}")
twice = {u: n for u, n in delivered.items() if n > 1}
if twice: sys.exit(f"delivered more than once: {twice}")
missing = set(heard) - set(delivered)
if missing: sys.exit(f"never delivered: {missing}")
extra = set(delivered) - set(heard)
if extra: sys.exit(f"delivered but stored nowhere: {extra}")
# Each gateway's own feed carries exactly what it heard.
feed = collections.defaultdict(set)
for line in open(feeds):
    topic, _, payload = line.rstrip("\n").partition(" ")
    feed[topic.split("/")[2]].add(json.loads(payload)["uid"])
for name in ["bathroom", "hall", "bedroom"]:
    mine = {u for u, g in heard.items() if name in g}
    if feed[name] != mine: sys.exit(f"{name}'s feed has {len(feed[name])} measurements, it heard {len(mine)}")
# The weighing the bathroom missed was delivered by another gateway.
missed = [u for u, g in heard.items() if "bathroom" not in g and by[u][0].endswith("0A")]
if len(missed) != 1: sys.exit(f"expected one weighing of scale A missed by the bathroom, got {missed}")
if by[missed[0]][2] == "bathroom": sys.exit("the bathroom delivered a weighing it never heard")
# Ownership, as the gateways announced it (in broker order): the last owner of
# scale A announced before the bathroom's final "offline" is the bathroom, the
# strongest (-50 dBm); scale B's last owner is the bedroom (-55 dBm vs -80).
stream = [l.rstrip("\n").partition(" ") for l in open(owners)]
bathroom_gone = max(i for i, (t, _, p) in enumerate(stream) if t == "declouder/gateways/bathroom/status" and p == "offline")
a_owners = [json.loads(p)["gateway"] for t, _, p in stream[:bathroom_gone] if t == "declouder/devices/5ccad300000a/owner"]
b_owners = [json.loads(p)["gateway"] for t, _, p in stream if t == "declouder/devices/5ccad300000b/owner"]
if not a_owners or a_owners[-1] != "bathroom": sys.exit(f"scale A's owners while the bathroom ran: {a_owners}")
if not b_owners or b_owners[-1] != "bedroom": sys.exit(f"scale B's owners: {b_owners}")
print("11 weighings, each delivered exactly once; deliverers:", dict(collections.Counter(v[2] for v in by.values())))
PY

# A fourth gateway, alone on the broker now, hears scale A's same weighings
# again: their retained claims are there, and the broker sends a claim topic's
# retained message after the SUBACK, so it must wait for them before claiming.
# It delivers nothing to the household and leaves every claim as it was.
CLAIMS_BEFORE=$(mosquitto_sub -p "$BROKER_PORT" -t 'declouder/claims/#' --retained-only -v -W 1 2>/dev/null | sort || true)
[ -n "$CLAIMS_BEFORE" ] || fail "no retained claims after the run"
start_gateway attic "${A/interval=1.2/interval=0.3},rssi=-40"
wait_exit "$PID_attic" 30 || fail "gateway attic did not finish: $(tail -5 "$WORKDIR/attic.err")"
CLAIMS_AFTER=$(mosquitto_sub -p "$BROKER_PORT" -t 'declouder/claims/#' --retained-only -v -W 1 2>/dev/null | sort || true)
! grep -q '"gateway":"attic"' <<<"$CLAIMS_AFTER" ||
  fail "the attic claimed weighings already claimed (it did not wait for the retained claims): $(grep -m1 attic <<<"$CLAIMS_AFTER")"
[ "$(wc -l < "$WORKDIR/attic.jsonl")" -ge 5 ] || fail "the attic did not hear scale A's weighings"
[ "$(wc -l < "$HA")" = 11 ] || fail "the household got $(wc -l < "$HA") measurements after the attic ran, not 11"

pass
