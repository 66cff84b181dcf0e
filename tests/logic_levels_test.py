#!/usr/bin/env python3
"""scripts/logic_levels.py on a small hand-made netlist whose answer is known.

  a_q -> LUT2 -> CARRY4 -> LUT6 -> MUXF7 -> LUT3 -> b_q     3 LUT levels, 5 cells
  a_q -> INV -> c_q                                         0 LUT levels
  b_q -> LUT4 (x3 in a chain) -> RAM64M8 read -> d_q        4 (the LUT-RAM read is a level);
  the RAM's own inputs end a stage too (r1: 3)
and --cone b_q: one register bit, 5 cells, 3 LUTs private to it, its inputs starting at a_q;
--sources b_q: its deepest path starts at a_q (3) and crosses the compare of rtl/x.sv line 12,
listed over a limit of 2, not over 3.
"""
import json
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "scripts", "logic_levels.py")


def cell(typ, ins, outs):
    conns, dirs = {}, {}
    for i, b in enumerate(ins):
        conns[f"I{i}"] = [b]
        dirs[f"I{i}"] = "input"
    for i, b in enumerate(outs):
        conns[f"O{i}"] = [b]
        dirs[f"O{i}"] = "output"
    return {"type": typ, "connections": conns, "port_directions": dirs, "parameters": {}}


def ff(d, q):
    return {"type": "FDRE", "connections": {"D": [d], "Q": [q], "C": [99]},
            "port_directions": {"D": "input", "Q": "output", "C": "input"}, "parameters": {}}


def ram(addr, out):
    return {"type": "RAM64M8", "parameters": {},
            "connections": {"ADDRA": [addr], "DIA": [2], "WE": [2], "DOA": [out]},
            "port_directions": {"ADDRA": "input", "DIA": "input", "WE": "input", "DOA": "output"}}


CMP = "$flatten\\u.$lt$rtl/x.sv:12$5.genblk1.slice[0].carry"   # named as yosys names a compare
cells = {
    "ffa": ff(40, 2), "l1": cell("LUT2", [2], [10]), CMP: cell("CARRY4", [10], [11]),
    "l2": cell("LUT6", [11], [12]), "m1": cell("MUXF7", [12], [13]), "l3": cell("LUT3", [13], [14]),
    "ffb": ff(14, 3),
    "i1": cell("INV", [2], [20]), "ffc": ff(20, 4),
    "l4": cell("LUT4", [3], [30]), "l5": cell("LUT4", [30], [31]), "l6": cell("LUT4", [31], [32]),
    "r1": ram(32, 33), "ffd": ff(33, 5),
}
netnames = {"a_q": {"bits": [2]}, "b_q": {"bits": [3]}, "c_q": {"bits": [4]}, "d_q": {"bits": [5]},
            "wide": {"bits": [2, 3, 4, 5]}}  # a wider signal holding the same bits: not the name
design = {"modules": {"top": {"attributes": {"top": "1"}, "ports": {}, "cells": cells, "netnames": netnames}}}

with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(design, f)
out = subprocess.run([sys.executable, SCRIPT, f.name, "--limit", "0", "--path", "b_q"],
                     capture_output=True, text=True, check=True).stdout
cone = subprocess.run([sys.executable, SCRIPT, f.name, "--cone", "b_q"],
                      capture_output=True, text=True, check=True).stdout
sources = [subprocess.run([sys.executable, SCRIPT, f.name, "--limit", str(limit), "--sources", "b_q"],
                          capture_output=True, text=True, check=True).stdout for limit in (2, 3)]
os.unlink(f.name)
sources_ok = ("\n     3  a_q" in sources[0] and "\n     3  lt rtl/x.sv:12" in sources[0]
              and "deeper than 3: the deepest path through each, the chain: none" in sources[1])
if not sources_ok:
    print(sources[0], sources[1])
    print("expected b_q's paths from a_q at 3 levels through lt rtl/x.sv:12, listed over 2 only")
    sys.exit(1)
cone_ok = ("cone of b_q: 1 register bits, 5 cells" in cone and "LUTs private to one bit: 3 (3.0 a bit" in cone
           and any(line.split()[-1] == "a_q" for line in cone.splitlines() if line.strip()))
if not cone_ok:
    print(cone)
    print("expected b_q's cone: 1 register bit, 5 cells, 3 private LUTs, inputs from a_q")
    sys.exit(1)
rows = {}
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
        rows[parts[2]] = (int(parts[0]), int(parts[1]))
expect = {"b_q": (3, 5), "d_q": (4, 4), "r1": (3, 3)}
ok = all(rows.get(k) == v for k, v in expect.items()) and "c_q" not in rows
ok = ok and "deepest LUT path into b_q" in out and out.count("LUT") >= 3
if not ok:
    print(out)
    print(f"expected {expect} and no c_q among the stages over 0 levels, got {rows}")
    sys.exit(1)
print("logic_levels: levels, cells, naming and path as expected")
