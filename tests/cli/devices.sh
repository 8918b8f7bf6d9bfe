#!/usr/bin/env bash
# `declouder devices` as a user runs it: every family listed, in text and JSON.
source "$(dirname "$0")/lib.sh"

text=$("$DECLOUDER" devices)
for id in xiaomi-mi-scale xiaomi-mi-scale-2 bluetooth-sig-scale beurer-sanitas-standard picooc-mini \
          picooc-mini-lite icomon-ffb0 mgb qn-scale qn-broadcast yunmai 1byone excelvan-cf36x \
          medisana-bs44x chipsea-okok; do
  grep -q "^$id  \[" <<<"$text" || fail "devices does not list $id"
done
grep -q "recognised by: service data 0x181B" <<<"$text" || fail "devices does not say how the Mi scale 2 is recognised"
grep -q "Crenot Gofit S2" <<<"$text" || fail "devices does not name the Crenot Gofit S2"

json=$("$DECLOUDER" devices --json)
python3 - "$json" <<'PY' || fail "devices --json is not the documented shape"
import json, sys
fams = json.loads(sys.argv[1])
assert len(fams) >= 15, len(fams)
ids = [f["id"] for f in fams]
assert len(ids) == len(set(ids)), "duplicate ids"
keys = {"id", "name", "link", "recognised_by", "reports", "service_data_uuids", "company_ids", "gatt_characteristics"}
for f in fams:
    assert set(f) == keys, (f["id"], set(f) ^ keys)
    assert f["link"] in ("advertisement", "gatt", "serial"), f
    assert f["name"] and f["recognised_by"] and f["reports"], f["id"]
by_id = {f["id"]: f for f in fams}
assert by_id["xiaomi-mi-scale-2"]["service_data_uuids"] == ["181b"]
assert by_id["xiaomi-mi-scale"]["service_data_uuids"] == ["181d"]
assert by_id["picooc-mini"]["link"] == "gatt" and by_id["picooc-mini"]["gatt_characteristics"] == ["fff1"]
assert set(by_id["bluetooth-sig-scale"]["gatt_characteristics"]) == {"2a9d", "2a9c", "2a19"}
assert by_id["qn-broadcast"]["company_ids"] == ["ffff"]
assert by_id["picooc-mini-lite"]["link"] == "advertisement"
PY

expect_status 2 "$DECLOUDER" devices --bogus
expect_stderr_contains "--bogus" "$DECLOUDER" devices --bogus
"$DECLOUDER" devices --help | grep_all -- "--json" || fail "devices --help does not explain --json"
"$DECLOUDER" --help | grep_all "devices" || fail "--help does not list devices"
pass
