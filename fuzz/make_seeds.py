#!/usr/bin/env python3
"""Writes fuzz/seeds/decode/: the test vectors of tests/devices in the input
layout of fuzz/decode_fuzz.cpp (mode, key u16 LE, name length, name, bytes).
Run from the repository root after adding a vector."""
import os

SEEDS = [
    ("mi_v1_wiki", 0, "MI SCALE2", 0x181D, "62AC49E0070C140D1C04"),
    ("mi_v1_theengs", 0, "", 0x181D, "223e30e607020e10293a"),
    ("mi_v2", 0, "MIBFS", 0x181B, "0226e607020e10293af7019a38"),
    ("mi_v2_removed", 0, "", 0x181B, "02a4b2070213063b17fdffc83c"),
    ("qn_broadcast", 1, "", 0xFFFF, "aabb00005e00530172000000ffffff1500761b510e032300"),
    ("okok_v20", 1, "Chipsea-BLE", 0x20CA, "11223344556605001c4d138898aabbccddeeff"),
    ("okok_v11", 1, "", 0x11CA, "00000002d500000000000000000000000c000000000000"),
    ("okok_c0", 1, "", 0x12C0, "0b320000000019000000000000"),
    ("picooc_lite", 1, "PICOOC-L", 0x49D0, "004b4f1e391f0676136087200040"),
    ("picooc_mini_mac", 1, "PICOOC-CQ", 10, "d049003fa15c"),
    ("sig_wss", 2, "Acme", 0x2A9D, "069A38E8070311071E0002"),
    ("sig_bcs", 2, "", 0x2A9C, "1E06EB00E8070311071E0001581B7E0188139A38"),
    ("beurer_wss", 2, "BF600", 0x2A9D, "09803EF300BC02"),
    ("picooc_response", 2, "PICOOC-CQ", 0xFFF1, "390d65f74ba50656150486fc00"),
    ("icomon_a3", 2, "Crenot Gofit S2", 0xFFB3, "030800a300012dc2000000000000000000000013"),
    ("icomon_a2", 2, "Crenot Gofit S2", 0xFFB2, "060700a20200011b020000000000000000000002"),
    ("icomon_a4", 2, "", 0xFFB3, "080900a465f74ba500011b02000000000000000e"),
    ("mgb", 2, "Swan", 0xFFB2, "AC0226B60000CAA6"),
    ("mgb_hutbit", 2, "Hutbit Scale", 0xFFB2, "ac0203490000ca16"),
    ("qn_elis1", 2, "Renpho-Scale", 0xFFF1, "100eff0102025801fd01fb0033a7"),
    ("qn_esf24_stored", 2, "QN-Scale", 0xFFF1, "23141501016e6e73302b48016b013400000000e1"),
    ("sig_renpho_wbe28", 2, "Renpho-Scale", 0x2A9D, "4e6a07ea0707040c1a06aa00000000"),
    ("sig_bf788_bcs", 2, "", 0x2A9C, "9803f300962389014042fa2f550f"),
    ("qn_es30m", 2, "QN-Scale", 0xFFF1, "100fFFfe02215710fe10fc00ac005c"),
    ("qn_classic", 2, "QN-Scale", 0xFFE1, "100b071c4d0101f401f274"),
    ("qn_stored", 2, "QN-Scale", 0xFFF1, "23120700000025088a2d1c4d00f401e0015f"),
    ("yunmai", 2, "YUNMAI-ISM2", 0xFFE4, "0d1e14020065f74ba5000000071c4f01f40866bb"),
    ("onebyone_live", 2, "Health Scale", 0xFFF4, "CF500FB027101351000055"),
    ("onebyone_history", 2, "Health Scale", 0xFFF4, "CF600E9C270402F00000110 7EA080C090B2B"),
    ("excelvan", 2, "Electronic Scale", 0xFFF4, "cf00000002d500eb1e017e0802260690"),
    ("medisana_weight", 2, "0202B6FF", 0x8A21, "1d4d1c0000a510ba1a0000000003"),
    ("medisana_body", 2, "0202B6FF", 0x8A22, "6fa510ba1a039006ebf026027e011e00"),
    ("direct_qn_info", 3, "", 3, "120f07000000000000000100000029"),
    ("direct_picooc", 3, "", 0, "390d65f74ba50656150486fc00"),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "decode")
os.makedirs(out, exist_ok=True)
for name, mode, dev, key, data in SEEDS:
    blob = bytes([mode, key & 0xFF, key >> 8, len(dev)]) + dev.encode() + bytes.fromhex(data.replace(" ", ""))
    with open(os.path.join(out, name), "wb") as f:
        f.write(blob)
print(f"{len(SEEDS)} seeds in {out}")
