#!/usr/bin/env bash
# `declouder devices` as a user runs it: every device listed, in text and JSON, saying
# honestly what declouder can do with each.
source "$(dirname "$0")/lib/common.sh"

text=$("$DECLOUDER" devices)
for id in xiaomi-mi-scale xiaomi-mi-scale-2 bluetooth-sig-scale beurer-sanitas-standard picooc-mini \
          picooc-mini-lite icomon-ffb0 mgb qn-scale qn-broadcast yunmai 1byone excelvan-cf36x \
          medisana-bs44x chipsea-okok; do
  grep -q "^$id  \[" <<<"$text" || fail "devices does not list $id"
done
grep -q "recognised by: service data 0x181B" <<<"$text" || fail "devices does not say how the Mi scale 2 is recognised"
grep -q "Crenot Gofit S2" <<<"$text" || fail "devices does not name the Crenot Gofit S2"
# Every GATT scale says that declouder talks to it, next to its entry (none is decode only).
for id in picooc-mini yunmai qn-scale mgb 1byone excelvan-cf36x medisana-bs44x; do
  entry=$(awk -v id="$id" '$1 == id {on=1; next} /^$/ {on=0} on' <<<"$text")
  grep -q "converses" <<<"$entry" || fail "devices does not say that declouder talks to $id"
  grep -q "decode only" <<<"$entry" && fail "devices still calls $id decode only"
done

json=$("$DECLOUDER" devices --json)
python3 - "$json" <<'PY' || fail "devices --json is not the documented shape"
import json, sys
fams = json.loads(sys.argv[1])
assert len(fams) >= 15, len(fams)
ids = [f["id"] for f in fams]
assert len(ids) == len(set(ids)), "duplicate ids"
keys = {"id", "name", "link", "converses", "simulator", "reports", "recognised_by", "service_data_uuids",
        "company_ids", "gatt_characteristics"}
for f in fams:
    assert keys <= set(f), (f["id"], keys - set(f))
    assert f["link"] in ("advertisement", "gatt", "serial"), f
    assert isinstance(f["converses"], bool), f
    assert f["simulator"] is None or isinstance(f["simulator"], str), f
    assert isinstance(f["reports"], list) and f["reports"] and all(isinstance(r, str) for r in f["reports"]), f
    assert f["name"] and f["recognised_by"], f["id"]
by_id = {f["id"]: f for f in fams}
assert by_id["xiaomi-mi-scale-2"]["service_data_uuids"] == ["181b"]
assert by_id["xiaomi-mi-scale"]["service_data_uuids"] == ["181d"]
assert by_id["picooc-mini"]["link"] == "gatt" and by_id["picooc-mini"]["gatt_characteristics"] == ["fff1"]
assert set(by_id["bluetooth-sig-scale"]["gatt_characteristics"]) == {"2a9d", "2a9c", "2a19"}
assert by_id["qn-broadcast"]["company_ids"] == ["ffff"]
assert by_id["picooc-mini-lite"]["link"] == "advertisement"
assert by_id["picooc-mini"]["converses"] and by_id["picooc-mini"]["simulator"] == "picooc-mini"
assert by_id["icomon-ffb0"]["converses"] and by_id["icomon-ffb0"]["simulator"] == "crenot-gofit-s2"
assert by_id["xiaomi-mi-scale-2"]["simulator"] == "mi-scale-2" and not by_id["xiaomi-mi-scale-2"]["converses"]
assert by_id["yunmai"]["converses"] and by_id["yunmai"]["simulator"] == "yunmai"
# A GATT device is talked to by read and run, with a simulator, or by a command of its own.
for f in fams:
    if f["link"] == "gatt" and f["id"] != "xiaomi-mi-band-1":
        assert f["converses"] and f["simulator"], f["id"]
assert "weight_kg" in by_id["xiaomi-mi-scale-2"]["reports"] and "impedance_ohm" in by_id["xiaomi-mi-scale-2"]["reports"]
assert by_id["bodymedia-armband"]["link"] == "serial"
# The maker Home Assistant shows: each device's own, none for a protocol many makers share.
for f in fams:
    assert f["manufacturer"] is None or (isinstance(f["manufacturer"], str) and f["manufacturer"]), f["id"]
assert by_id["xiaomi-mi-scale-2"]["manufacturer"] == "Xiaomi" and by_id["xiaomi-s400"]["manufacturer"] == "Xiaomi"
assert by_id["1byone"]["manufacturer"] == "1byone, Eufy", by_id["1byone"]["manufacturer"]
assert by_id["medisana-bs44x"]["manufacturer"] == "Medisana" and by_id["bodymedia-armband"]["manufacturer"] == "BodyMedia"
for shared in ("bluetooth-sig-scale", "mgb", "qn-scale", "chipsea-okok", "heart-rate-sensor"):
    assert by_id[shared]["manufacturer"] is None, (shared, by_id[shared]["manufacturer"])
PY

# Every simulator `devices` names is one `declouder simulate` plays (and lists).
sims=$(python3 -c 'import json,sys; print("\n".join(sorted(f["simulator"] for f in json.loads(sys.argv[1]) if f["simulator"])))' "$json")
listed=$("$DECLOUDER" simulate --list | awk '{print $1}' | sort)
[ "$sims" = "$listed" ] || fail "devices names the simulators '$sims' but simulate --list has '$listed'"

expect_status 2 "$DECLOUDER" devices --bogus
expect_stderr_contains "--bogus" "$DECLOUDER" devices --bogus
"$DECLOUDER" devices --help | grep_all -- "--json" || fail "devices --help does not explain --json"
"$DECLOUDER" --help | grep_all "devices" || fail "--help does not list devices"
pass
