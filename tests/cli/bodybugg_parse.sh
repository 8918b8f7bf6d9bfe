#!/usr/bin/env bash
# `declouder bodybugg parse FILE --json` against the golden decode of the public
# dump (sample.json, BodyBuggBypass): every session, every sample; 0xFFF -> null.
source "$(dirname "$0")/lib/common.sh"
need_shared fixtures/bodybugg/sample.log

log="$SHARED/fixtures/bodybugg/sample.log"
"$DECLOUDER" bodybugg parse "$log" --json > "$WORKDIR/out.jsonl"
python3 - "$WORKDIR/out.jsonl" "$SHARED/fixtures/bodybugg/sample.json" <<'PY' || fail "parse --json differs from sample.json"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = json.load(open(sys.argv[2]))
assert len(got) == len(want) == 29, (len(got), len(want))
nulls = 0
for g, w in zip(got, want):
    assert list(g)[:4] == ["channel", "epoch", "divisor", "samples"], list(g)
    assert g["channel"] == w["Channel"] and g["epoch"] == w["Epoch"] and g["divisor"] == w["Divisor"], g["channel"]
    if g["channel"] == "TIMESTMP":
        assert [int(x) for x in g["samples"]] == w["Payload"]       # golden drops the milliseconds
        assert g["samples"][0] == 1353341145.12
    elif g["channel"] == "DIAGNSTC":
        assert [(d["time"], d["i"], d["j"]) for d in g["samples"]] == [(d["Timestamp"], d["I"], d["J"]) for d in w["Payload"]]
    else:
        expected = [None if v == 4095 else v for v in w["Payload"]]
        assert g["samples"] == expected, g["channel"]
        nulls += g["samples"].count(None)
assert nulls > 0
PY

# summary mode
"$DECLOUDER" bodybugg parse "$log" | grep_all "^MOVTSKIN start 2012-11-19T14:29:18Z  every 60s  485/485 entries$" \
  || fail "summary line for MOVTSKIN missing"

# a truncated dump: the sessions before the break are printed, the break is named, exit 1
head -c 5000 "$log" > "$WORKDIR/cut.log"
rc=0; "$DECLOUDER" bodybugg parse "$WORKDIR/cut.log" --json > "$WORKDIR/cut.jsonl" 2> "$WORKDIR/cut.err" || rc=$?
[ "$rc" = 1 ] || fail "truncated dump: exit $rc, expected 1"
[ "$(wc -l < "$WORKDIR/cut.jsonl")" = 4 ] || fail "truncated dump: expected 3 whole + 1 partial session"
grep -q "stopped at byte 499[89]" "$WORKDIR/cut.err" || fail "truncated dump: no byte offset: $(cat "$WORKDIR/cut.err")"

expect_status 2 "$DECLOUDER" bodybugg parse
expect_status 1 "$DECLOUDER" bodybugg parse "$WORKDIR/missing.log"
"$DECLOUDER" bodybugg parse --help | grep_all -- "--json" || fail "parse --help does not explain --json"
pass
