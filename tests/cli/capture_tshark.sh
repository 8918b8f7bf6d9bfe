#!/usr/bin/env bash
# Agreement with Wireshark: tshark and `declouder capture att/adverts` must see
# the same ATT PDUs (time, opcode, handle, value) and the same advertisements
# (address, RSSI, name, service data, manufacturer data), frame by frame, in
#  - the real Mi Fit capture in ../shared/fixtures/captures/,
#  - the generated session in every binary container (tests/data/captures/),
#  - the same session written by `capture convert` into every container,
#  - the text logs (our hcidump raw-hex fixture and seed 004's decoded hcidump
#    log), which tshark cannot open: declouder reads the text, tshark reads the
#    same packets converted to btsnoop.
source "$(dirname "$0")/lib/common.sh"
command -v tshark >/dev/null || fail "tshark is not installed (scripts/setup.sh installs it)"

DATA="$SOURCE_DIR/tests/data/captures"
FIXTURE="$SHARED/fixtures/captures/miband1s_heartrate_mifit.btsnoop"

compare() {  # compare WHAT_DECLOUDER_READS WHAT_TSHARK_READS
  local ours=$1 theirs=$2
  "$DECLOUDER" capture att "$ours" --json > "$WORKDIR/att.json" || fail "capture att $ours"
  "$DECLOUDER" capture adverts "$ours" --json > "$WORKDIR/adv.json" || fail "capture adverts $ours"
  tshark -r "$theirs" -Y btatt -T fields -e frame.time_epoch -e btatt.opcode -e btatt.handle -e btatt.value \
    > "$WORKDIR/att.tsv" 2>/dev/null || fail "tshark cannot read $theirs"
  tshark -r "$theirs" -Y 'bthci_evt.le_meta_subevent==0x02 || bthci_evt.le_meta_subevent==0x0d' -T fields \
    -e frame.time_epoch -e bthci_evt.bd_addr -e bthci_evt.rssi -e btcommon.eir_ad.entry.device_name \
    -e btcommon.eir_ad.entry.service_data -e btcommon.eir_ad.entry.company_id -e btcommon.eir_ad.entry.data \
    > "$WORKDIR/adv.tsv" 2>/dev/null || fail "tshark cannot read $theirs"
  python3 - "$WORKDIR" "$ours" <<'PY' || fail "declouder and tshark disagree on $ours"
import json, sys
from datetime import datetime, timezone
d, name = sys.argv[1], sys.argv[2]
def us(iso):
    t = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return round(t.timestamp() * 1e6)
def tus(epoch):
    s, _, f = epoch.partition(".")
    return int(s) * 1000000 + int((f + "000000")[:6])
bad = []
ours = [json.loads(l) for l in open(f"{d}/att.json")]
theirs = [l.rstrip("\n").split("\t") for l in open(f"{d}/att.tsv")]
if len(ours) != len(theirs):
    bad.append(f"ATT PDUs: declouder {len(ours)}, tshark {len(theirs)}")
for i, (o, t) in enumerate(zip(ours, theirs)):
    t += [""] * (4 - len(t))
    where = f"ATT PDU {i + 1}"
    if us(o["time"]) != tus(t[0]): bad.append(f"{where}: time {o['time']} vs {t[0]}")
    if o["opcode"] != int(t[1], 16): bad.append(f"{where}: opcode {o['opcode']} vs {t[1]}")
    handles = [h for h in t[2].split(",") if h]
    # Find Information, Find By Type Value, Read By Type and Read By Group Type responses carry
    # lists of handles: tshark lists them, declouder names none (the discovered UUIDs show up later).
    lists = o["opcode"] in (0x05, 0x07, 0x09, 0x11)
    if not lists and len(handles) == 1 and o.get("handle") != int(handles[0], 16):
        bad.append(f"{where}: handle {o.get('handle')} vs {t[2]}")
    if not handles and "handle" in o: bad.append(f"{where}: handle {o['handle']} where tshark shows none")
    if t[3] and o["value"] != t[3].replace(":", ""): bad.append(f"{where}: value {o['value']} vs {t[3]}")
    # tshark shows no btatt.value when it dissects a standard characteristic or descriptor
    # itself (2902 CCCD, 2a39...): declouder must then have named such a UUID.
    standard = len(o.get("uuid", "")) == 4 and o["uuid"][:2] in ("28", "29", "2a")
    if not t[3] and o["value"] and not standard:
        bad.append(f"{where}: value {o['value']} where tshark shows none")
ours = [json.loads(l) for l in open(f"{d}/adv.json")]
theirs = [l.rstrip("\n").split("\t") for l in open(f"{d}/adv.tsv")]
if len(ours) != len(theirs):
    bad.append(f"adverts: declouder {len(ours)}, tshark {len(theirs)}")
for i, (o, t) in enumerate(zip(ours, theirs)):
    t += [""] * (7 - len(t))
    where = f"advert {i + 1}"
    if us(o["time"]) != tus(t[0]): bad.append(f"{where}: time")
    if o["address"].lower() != t[1]: bad.append(f"{where}: address {o['address']} vs {t[1]}")
    if str(o.get("rssi", "")) != t[2]: bad.append(f"{where}: rssi {o.get('rssi')} vs {t[2]}")
    if o.get("name", "") != t[3]: bad.append(f"{where}: name {o.get('name')} vs {t[3]}")
    if sorted(o["service_data"].values()) != sorted(x for x in t[4].split(",") if x):
        bad.append(f"{where}: service data {o['service_data']} vs {t[4]}")
    companies = [str(int(c, 16)) for c in t[5].split(",") if c]
    if sorted(o["manufacturer_data"].keys()) != sorted(companies) or \
       sorted(o["manufacturer_data"].values()) != sorted(x for x in t[6].split(",") if x):
        bad.append(f"{where}: manufacturer data {o['manufacturer_data']} vs {t[5]} {t[6]}")
for b in bad: print(f"{name}: {b}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  echo "agree: $(basename "$ours") ($(wc -l < "$WORKDIR/att.json") ATT PDUs, $(wc -l < "$WORKDIR/adv.json") adverts)"
}

# The real capture: 3 ATT PDUs, and the values the fixture README lists.
if have_shared fixtures/captures/miband1s_heartrate_mifit.btsnoop; then
  compare "$FIXTURE" "$FIXTURE"
  [ "$(wc -l < "$WORKDIR/att.json")" = 3 ] || fail "the Mi Fit capture has 3 ATT PDUs"
fi

# The generated session, in every binary container, and converted into each of them.
for f in "$DATA"/picooc_session.btsnoop-hci "$DATA"/picooc_session.btsnoop-h4 "$DATA"/picooc_session.btsnoop-monitor \
         "$DATA"/picooc_session.pklg-be "$DATA"/picooc_session.pklg-le; do
  compare "$f" "$f"
  [ "$(wc -l < "$WORKDIR/att.json")" = 17 ] || fail "$f: expected 17 ATT PDUs"
  [ "$(wc -l < "$WORKDIR/adv.json")" = 6 ] || fail "$f: expected 6 adverts"
done
for to in btsnoop-hci btsnoop-h4 btsnoop-monitor pklg-be pklg-le; do
  "$DECLOUDER" capture convert "$DATA/picooc_session.pklg-be" --to "$to" --output "$WORKDIR/converted.$to" 2>/dev/null
  compare "$WORKDIR/converted.$to" "$WORKDIR/converted.$to"
done

# Text logs: declouder reads the text, tshark the same packets as btsnoop.
"$DECLOUDER" capture convert "$DATA/picooc_session.hcidump-text" --to btsnoop-h4 --output "$WORKDIR/text.btsnoop"
compare "$DATA/picooc_session.hcidump-text" "$WORKDIR/text.btsnoop"
# An hcidump text log a person posted with a Mi Band question (../shared/seeds/004).
if have_shared seeds/004_c054b2ec2042e5c6.txt; then
  SEED="$SHARED/seeds/004_c054b2ec2042e5c6.txt"
  "$DECLOUDER" capture convert "$SEED" --to btsnoop-h4 --output "$WORKDIR/seed004.btsnoop" 2>/dev/null
  compare "$SEED" "$WORKDIR/seed004.btsnoop"
  [ "$(wc -l < "$WORKDIR/att.json")" -ge 80 ] || fail "seed 004: expected its whole ATT conversation"
fi
pass
