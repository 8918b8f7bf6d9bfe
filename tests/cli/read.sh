#!/usr/bin/env bash
# `declouder read` against `declouder simulate` on a private system bus: every device that
# needs a conversation gives its reading with the keys of `declouder decode --json`.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/bus.sh"

start_bus
start_sim picooc-mini crenot-gofit-s2 mi-scale sig-scale mi-scale-2 --weight 81.1 --impedance 538

# Picooc Mini: request on FFF2, measurement on FFF1 (the seed's device: 81.1 kg, 538 ohm).
out=$("$DECLOUDER" read --address D0:49:00:5A:00:03 --json 2>"$WORKDIR/err") || fail "picooc: $(cat "$WORKDIR/err")"
expect_json "$out" '.model' '"picooc-mini"'
expect_json "$out" '.address' '"D0:49:00:5A:00:03"'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.stabilized' 'true'
expect_json "$out" '.unit' '"kg"'
python3 -c 'import json,sys; t=json.loads(sys.argv[1])["device_time"]; sys.exit(0 if t.endswith("Z") and len(t)==20 else 1)' "$out" \
  || fail "device_time is not an ISO 8601 UTC time: $out"

# ICOMON (Crenot GoFit S2): the person steps on, A2 live frames, then the A3 result.
out=$("$DECLOUDER" read --address CF:E5:10:5A:00:04 --json 2>"$WORKDIR/err") || fail "icomon: $(cat "$WORKDIR/err")"
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
grep -q 'step on the scale' "$WORKDIR/err" || fail "the person was not told to step on: $(cat "$WORKDIR/err")"

# Mi Smart Scale v1: the history download gives the stored weighings; a second read has nothing new.
"$DECLOUDER" read --address 88:0F:10:5A:00:01 --json >"$WORKDIR/history.json" 2>"$WORKDIR/err" || fail "history: $(cat "$WORKDIR/err")"
[ "$(wc -l <"$WORKDIR/history.json")" -ge 3 ] || fail "expected at least 3 stored weighings: $(cat "$WORKDIR/history.json")"
first=$(head -1 "$WORKDIR/history.json")
expect_json "$first" '.weight_kg' '81.7'
# The simulated scale weighs again every 4.2 s, and each settled weighing joins its history: the
# second read has nothing (exit 1) or only what was weighed since, never one the first read gave.
rc=0
"$DECLOUDER" read --address 88:0F:10:5A:00:01 --json >"$WORKDIR/again.json" 2>"$WORKDIR/err" || rc=$?
case $rc in
  1) [ ! -s "$WORKDIR/again.json" ] || fail "exit 1 with readings: $(cat "$WORKDIR/again.json")" ;;
  0) python3 - "$WORKDIR/history.json" "$WORKDIR/again.json" <<'EOF' || fail "the second read repeated acknowledged weighings: $(cat "$WORKDIR/again.json")"
import json, sys
first = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
again = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
last = max(r["device_time"] for r in first)
assert again and all(r["device_time"] > last and r["weight_kg"] == 81.1 for r in again), again
EOF
     ;;
  *) fail "second history read: exit $rc: $(cat "$WORKDIR/err")" ;;
esac
# ...but another user id still gets them all.
# (output captured first: with pipefail, `| grep -q` would stop reading at the first match and
# the writer's SIGPIPE would fail the pipeline at random)
out7=$("$DECLOUDER" read --address 88:0F:10:5A:00:01 --user-id 7 --json) || fail "user 7: read failed"
grep -q '"weight_kg":81.7' <<<"$out7" || fail "user 7 got no history: $out7"

# A SIG standard scale: consent for user 1, then weight + body composition, then its
# Battery Level (0x2A19) as a reading of its own.
all=$("$DECLOUDER" read --address 00:09:1F:5A:00:05 --json 2>"$WORKDIR/err") || fail "sig: $(cat "$WORKDIR/err")"
[ "$(printf '%s\n' "$all" | wc -l)" -eq 2 ] || fail "sig: expected a measurement and a battery reading: $all"
out=$(printf '%s\n' "$all" | head -1)
battery=$(printf '%s\n' "$all" | sed -n 2p)
expect_json "$battery" '.battery_percent' '87'
expect_json "$battery" '.address' '"00:09:1F:5A:00:05"'
expect_json "$battery" '.weight_kg' 'null'
expect_json "$out" '.battery_percent' 'null'
expect_json "$out" '.weight_kg' '81.1'
expect_json "$out" '.impedance_ohm' '538'
expect_json "$out" '.user_slot' '1'
expect_status 1 "$DECLOUDER" read --address 00:09:1F:5A:00:05 --consent 1234
expect_stderr_contains "refused the consent code" "$DECLOUDER" read --address 00:09:1F:5A:00:05 --consent 1234

# Text output for people.
"$DECLOUDER" read --address D0:49:00:5A:00:03 2>/dev/null | grep_all 'picooc-mini D0:49:00:5A:00:03  weight 81.1 kg  impedance 538 ohm' \
  || fail "text output: $("$DECLOUDER" read --address D0:49:00:5A:00:03 2>&1)"

# An advert-only device has no conversation; an absent one is not found.
expect_status 1 "$DECLOUDER" read --address C8:47:8C:5A:00:02
expect_stderr_contains "has no conversation" "$DECLOUDER" read --address C8:47:8C:5A:00:02
expect_stderr_contains "not seen by hci0" "$DECLOUDER" read --address 11:22:33:44:55:66 --timeout 1

# The device hangs up mid-conversation: declouder reconnects, resumes, and says why.
start_bus
start_sim picooc-mini --drop-after-writes 1 --weight 64.2
out=$("$DECLOUDER" read --address D0:49:00:5A:00:03 --json 2>"$WORKDIR/err") || fail "retry: $(cat "$WORKDIR/err")"
expect_json "$out" '.weight_kg' '64.2'
grep -q 'device disconnected: connection timeout (org.bluez.Reason.Timeout)' "$WORKDIR/err" || fail "reason not reported: $(cat "$WORKDIR/err")"
grep -q "resuming at 'enable indications on FFF1'" "$WORKDIR/err" || fail "no resume: $(cat "$WORKDIR/err")"

# Mistakes on the command line.
expect_status 2 "$DECLOUDER" read
expect_stderr_contains "--address is required" "$DECLOUDER" read
expect_stderr_contains "not a Bluetooth address" "$DECLOUDER" read --address 12:34
"$DECLOUDER" read --help | grep_all "Picooc Mini" || fail "read --help does not list the devices"
pass
