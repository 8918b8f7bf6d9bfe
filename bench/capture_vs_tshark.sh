#!/usr/bin/env bash
# Whole-command comparison on a generated btsnoop file of 1,000,000 records
# (one LE connection complete, then ATT notifications on handle 0x004b, as a
# heart-rate band sends them): `declouder capture att FILE --json` against
# `tshark -r FILE -T fields -e frame.time_epoch -e btatt.opcode -e btatt.handle
# -e btatt.value`, both to /dev/null, timed with /usr/bin/time (wall seconds,
# peak RSS). Not part of ctest. Usage: bench/capture_vs_tshark.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
FILE=${CAPTURE_BENCH_FILE:-/tmp/declouder-bench-1M.btsnoop}

if [ ! -s "$FILE" ]; then
  python3 - "$FILE" <<'PY'
import struct, sys
EPOCH = 0x00DCDDB30F2F8000
t0 = 1710705570 * 1000000
with open(sys.argv[1], "wb") as f:
    f.write(b"btsnoop\0" + struct.pack(">II", 1, 1002))
    def rec(flags, data, t):
        f.write(struct.pack(">IIIIq", len(data), len(data), flags, 0, t + EPOCH) + data)
    # LE Connection Complete: handle 0x0040 to C8:0F:10:32:CA:B6
    params = bytes([0x01, 0x00, 0x40, 0x00, 0x00, 0x00]) + bytes.fromhex("b6ca32100fc8") + bytes([0x28, 0, 0, 0, 0x2a, 0, 0])
    rec(3, bytes([0x04, 0x3e, len(params)]) + params, t0)
    chunk = []
    for i in range(1, 1000000):
        att = bytes([0x1b, 0x4b, 0x00, 0x06, 60 + i % 40])
        l2 = struct.pack("<HH", len(att), 4) + att
        acl = bytes([0x02]) + struct.pack("<HH", 0x0040 | (2 << 12), len(l2)) + l2
        chunk.append(struct.pack(">IIIIq", len(acl), len(acl), 1, 0, t0 + i * 1000 + EPOCH) + acl)
        if len(chunk) == 10000:
            f.write(b"".join(chunk)); chunk = []
    f.write(b"".join(chunk))
PY
fi
echo "file: $FILE ($(stat -c %s "$FILE") bytes, 1,000,000 records)"
measure() {
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB max RSS" "$@" > /dev/null
}
measure "declouder capture att --json" "$BUILD/declouder" capture att "$FILE" --json
measure "tshark -T fields (4 fields)" tshark -r "$FILE" -T fields -e frame.time_epoch -e btatt.opcode -e btatt.handle -e btatt.value
