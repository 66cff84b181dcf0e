#!/usr/bin/env python3
"""Logic levels per pipeline stage of a yosys netlist mapped to Xilinx cells (synth_xilinx).

A "stage" is the logic that ends at one register: its LUT levels are the most LUTs on a path from
a start point (a flip-flop, a block RAM or UltraRAM output, a registered DSP, a top input) to that
register's inputs. LUT1-6, a combinational DSP48E2 and an asynchronous LUT-RAM read are one level
each; MUXF7-9 (the wide-function muxes behind a LUT6) and carry cells (a carry chain is fast) are
not LUT levels but are counted beside them, as the cells on the stage's longest path (Vivado's
"logic levels" count them too); INV (absorbed into LUTs) and buffers count nothing. Registers are grouped by the name of the signal their output
drives (`u_core.t0_q`), so a 128-bit register is one stage.

  scripts/logic_levels.py NETLIST.json [--top N] [--limit L] [--path STAGE] [--luts N] [--cone STAGE]
                          [--sources STAGE]
prints every stage deeper than L levels (all with --limit 0), deepest first, at most N lines, and
a per-module summary; --path also prints the cells on STAGE's deepest LUT path; --luts prints
where the LUTs are: per module and the N stages with the most LUTs in their input cone (a LUT
shared by several cones counted in equal parts; beside it the LUTs only that stage uses); --cone
prints what STAGE's logic is made of: its cells, the LUTs private to each of its bits, where its
inputs start and the latest-arriving signals into the per-bit logic (a wide register whose bits
each carry a large private mux usually means the mapper expanded a late select bit by bit);
--sources prints, for STAGE, the deepest path from each of its start points, and every carry
chain (a compare or a sum, named by its RTL line) on a path deeper than L, with the deepest path
through it: the list of what to register a cycle earlier (--sources all: over every stage). It reports, it does not judge: exit
status 0.
"""
import argparse
import json
import re
import sys
from collections import defaultdict

LEVEL = re.compile(r"^(LUT[1-6]|RAM(32|64|128|256)[XM]\w*)$")
NOT_LUT = re.compile(r"^(CARRY[48]|MUXF[789])$")   # on the path, not LUT levels
FREE = re.compile(r"^(INV|BUFG|BUFGCE|IBUF|OBUF|IOBUF|VCC|GND)$")
SEQUENTIAL = re.compile(r"^(FD[A-Z]+|RAMB(18|36)E2|URAM288\w*|SRL\w*)$")
DSP_REGS = ("AREG", "BREG", "CREG", "DREG", "ADREG", "MREG", "PREG")


def param_int(value):
    """yosys writes parameters as binary strings (or plain integers)."""
    text = str(value)
    return int(text, 2) if text and set(text) <= {"0", "1"} else int(text)


def dsp_registered(cell):
    """A DSP48E2 with any internal register is a boundary: a start point and an end point (an
    approximation: a DSP registered at its inputs only still adds its multiplier after them)."""
    p = cell.get("parameters", {})
    return any(param_int(p.get(r, "0")) != 0 for r in DSP_REGS)


def input_cone(comb, driver, bits):
    """The combinational cells on some path into these bits."""
    seen, stack = set(), [driver[b] for b in bits if b in driver]
    while stack:
        c = stack.pop()
        if c not in seen:
            seen.add(c)
            stack.extend(driver[b] for b in comb[c][1] if b in driver and driver[b] not in seen)
    return seen


def print_lut_cones(mod, comb, driver, endpoints, n):
    """LUTs per module and per stage: each LUT belongs to the input cone of every stage it feeds."""
    owners = defaultdict(set)
    for stage, bits in endpoints.items():
        for c in input_cone(comb, driver, bits):
            owners[c].add(stage)
    share, own = defaultdict(float), defaultdict(int)
    for c in comb:
        if not re.match(r"^LUT[1-6]$", mod["cells"][c]["type"]):
            continue
        stages = owners.get(c) or {"(no register)"}
        for stage in stages:
            share[stage] += 1.0 / len(stages)
        if len(stages) == 1:
            own[next(iter(stages))] += 1
    per_module = defaultdict(float)
    for stage, v in share.items():
        parts = stage.split(".")
        per_module[".".join(parts[:2]) if parts[0].startswith("gen_") else parts[0]] += v
    print(f"\nLUTs per module (LUTs shared by stages of several modules counted in equal parts): "
          f"{sum(share.values()):.0f} in all")
    for m, v in sorted(per_module.items(), key=lambda kv: -kv[1]):
        if v >= 0.5:
            print(f"  {v:>9.0f}  {m}")
    print(f"\nstages with the most LUTs in their input cone ({n}): share, only theirs, stage")
    for stage, v in sorted(share.items(), key=lambda kv: -kv[1])[:n]:
        print(f"  {v:>9.0f}  {own[stage]:>7}  {stage}")


def print_cone(mod, comb, driver, stage_ffs, start_of, bit_name, cell_depth, stage):
    """What one stage's logic is made of (see --cone in the module comment)."""
    def start(b):
        return start_of.get(b) or re.sub(r"\[\d+\]$", "", bit_name.get(b, "(unnamed)"))

    def is_lut(c):
        return re.match(r"^LUT[1-6]$", mod["cells"][c]["type"]) is not None

    per_bit = [input_cone(comb, driver, bits) for bits in stage_ffs[stage]]
    uses = defaultdict(int)
    for cells in per_bit:
        for c in cells:
            uses[c] += 1
    whole = set().union(*per_bit) if per_bit else set()
    types = defaultdict(int)
    for c in whole:
        types[mod["cells"][c]["type"]] += 1
    private = [[c for c in cells if uses[c] == 1] for cells in per_bit]
    private_luts = [sum(1 for c in cells if is_lut(c)) for cells in private]
    print(f"\ncone of {stage}: {len(stage_ffs[stage])} register bits, {len(whole)} cells "
          f"({', '.join(f'{n} {t}' for t, n in sorted(types.items(), key=lambda kv: -kv[1])[:8])})")
    if private_luts:
        print(f"  LUTs private to one bit: {sum(private_luts)} ({sum(private_luts) / len(private_luts):.1f} a bit, "
              f"at most {max(private_luts)})")
    starts = defaultdict(int)
    for c in whole:
        for b in comb[c][1]:
            if b not in driver:
                starts[start(b)] += 1
    print("  where its inputs start (cell inputs fed):")
    for name, n in sorted(starts.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {n:>7}  {name}")
    # The signals entering the bits' private logic from shared logic, latest first.
    late = {}
    for cells in private:
        own = set(cells)
        for c in cells:
            for b in comb[c][1]:
                if b in driver and driver[b] not in own:
                    late[b] = cell_depth(driver[b], 0)
    if late:
        print("  latest shared signals into the per-bit logic: LUT levels, where they start")
        for b in sorted(late, key=lambda b: -late[b])[:5]:
            firsts = defaultdict(int)
            for c in input_cone(comb, driver, [b]):
                for x in comb[c][1]:
                    if x not in driver:
                        firsts[start(x)] += 1
            print(f"    {late[b]:>3}  " + ", ".join(n for n, _ in sorted(firsts.items(), key=lambda kv: -kv[1])[:5]))


def print_sources(mod, comb, driver, endpoints, start_of, bit_name, cell_depth, stage, limit):
    """Where STAGE's deep paths start and which carry chains they cross (see --sources)."""
    if stage == "all":
        cone, ends = set(comb), set().union(*endpoints.values())
    else:
        cone, ends = input_cone(comb, driver, endpoints[stage]), set(endpoints[stage])
    consumers = defaultdict(list)
    for c in cone:
        for b in comb[c][1]:
            if b in driver and driver[b] in cone:
                consumers[driver[b]].append(c)
    outputs = defaultdict(list)
    for b, c in driver.items():
        if c in cone:
            outputs[c].append(b)
    tail = {}   # LUT levels from a cell (itself included) to the stage's registers

    for root in cone:
        stack = [(root, False)]
        while stack:
            c, expanded = stack.pop()
            if c in tail:
                continue
            if expanded:
                after = [tail[x] for x in consumers[c]]
                if any(b in ends for b in outputs[c]):
                    after.append(0)
                tail[c] = comb[c][0][0] + max(after, default=0)
                continue
            stack.append((c, True))
            stack.extend((x, False) for x in consumers[c] if x not in tail)

    def start(b):
        return start_of.get(b) or re.sub(r"\[\d+\]$", "", bit_name.get(b, "(unnamed)"))

    from_start = defaultdict(int)
    for c in cone:
        for b in comb[c][1]:
            if b not in driver:
                from_start[start(b)] = max(from_start[start(b)], tail[c])
    print(f"\npaths into {stage} by where they start: LUT levels of the deepest")
    for name, d in sorted(from_start.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        print(f"  {d:>4}  {name}")
    chains = defaultdict(int)
    for c in cone:
        if not re.match(r"^CARRY[48]$", mod["cells"][c]["type"]):
            continue
        through = cell_depth(c, 0) + tail[c]
        m = re.search(r"\$(\w+)\$([^$]+:\d+)", c)
        label = f"{m.group(1)} {m.group(2)}" if m else re.sub(r"\.genblk.*$|\.slice.*$", "", c.lstrip("\\"))
        if through > limit:
            chains[label] = max(chains[label], through)
    print(f"carry chains on its paths deeper than {limit}: the deepest path through each, the chain"
          + ("" if chains else ": none"))
    for label, d in sorted(chains.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {d:>4}  {label}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--top", type=int, default=40, help="stages to list (deepest first)")
    ap.add_argument("--limit", type=int, default=5, help="list stages deeper than this")
    ap.add_argument("--path", help="print the deepest LUT path into this stage")
    ap.add_argument("--luts", type=int, default=0, help="print the N stages with the most LUTs")
    ap.add_argument("--cone", help="print what this stage's logic is made of")
    ap.add_argument("--sources", help="print where this stage's deep paths start and what they cross "
                    "(all: every stage's)")
    args = ap.parse_args()

    with open(args.netlist) as f:
        design = json.load(f)
    mods = design["modules"]
    top = next((m for m, v in mods.items() if param_int(v.get("attributes", {}).get("top", "0"))), None)
    if top is None:
        top = next(iter(mods))
    mod = mods[top]

    # The public name of each net bit (for naming stages). A bit has several names (a register,
    # the wider vector it is part of, the port it drives): prefer a register's own name (`_q`),
    # then the narrowest signal.
    def name_rank(name, width):
        return (not name.endswith("_q"), width, name)

    bit_names = defaultdict(list)
    for name, net in mod["netnames"].items():
        if net.get("hide_name", 0):
            continue
        for b in net["bits"]:
            if isinstance(b, int):
                bit_names[b].append((name.lstrip("\\"), len(net["bits"])))
    bit_name = {b: min(names, key=lambda n: name_rank(*n))[0] for b, names in bit_names.items()}

    # For each combinational cell: weight, input bits, output bits. Drivers of each bit.
    driver = {}                     # bit -> cell name (combinational cells only)
    comb = {}                       # cell -> (weight, [input bits])
    endpoints = defaultdict(set)    # stage name -> input bits of its registers
    stage_ffs = defaultdict(list)   # stage name -> the input bits of each of its register cells
    start_of = {}                   # output bit of a register -> its stage
    unknown = set()
    for cname, cell in mod["cells"].items():
        typ = cell["type"]
        dirs = cell.get("port_directions", {})
        conns = cell["connections"]
        ins = [b for p, bits in conns.items() if dirs.get(p) == "input" for b in bits if isinstance(b, int)]
        outs = [b for p, bits in conns.items() if dirs.get(p) == "output" for b in bits if isinstance(b, int)]
        seq = SEQUENTIAL.match(typ) or (typ == "DSP48E2" and dsp_registered(cell))
        if seq:
            stage = None
            for b in outs:
                if b in bit_name:
                    stage = bit_name[b]
                    break
            if stage is None:
                stage = re.sub(r"\$.*$", "", cname.lstrip("\\")) or typ
            stage = re.sub(r"(\.\d+)+$", "", stage)   # a memory's RAM cells: one stage per memory
            endpoints[stage].update(ins)
            stage_ffs[stage].append(ins)
            for b in outs:
                start_of[b] = stage
            continue
        if LEVEL.match(typ) or typ == "DSP48E2":
            w = (1, 1)
        elif NOT_LUT.match(typ):
            w = (0, 1)
        elif FREE.match(typ):
            w = (0, 0)
        else:
            unknown.add(typ)
            w = (1, 1)
        # A LUT-RAM's write side is synchronous: only its read address reaches its output.
        if typ.startswith("RAM") and typ[3:4].isdigit():
            ins = [b for p, bits in conns.items() if dirs.get(p) == "input" and p.startswith("ADDR")
                   for b in bits if isinstance(b, int)]
            endpoints[re.sub(r"(\.\d+)+$", "", re.sub(r"\$.*$", "", cname.lstrip("\\"))) or typ].update(
                b for p, bits in conns.items() if dirs.get(p) == "input" for b in bits if isinstance(b, int))
        comb[cname] = (w, ins)
        for b in outs:
            driver[b] = cname
    # Top outputs end a stage too.
    for pname, port in mod.get("ports", {}).items():
        if port["direction"] == "output":
            endpoints["(output) " + pname].update(b for b in port["bits"] if isinstance(b, int))

    # Longest path into each cell, memoised, iteratively (netlists are deep): k = 0 counts LUT
    # levels, k = 1 all cells (carry included).
    depth_of_cell = ({}, {})

    def cell_depth(root, k):
        memo = depth_of_cell[k]
        stack = [(root, False)]
        while stack:
            c, expanded = stack.pop()
            if c in memo:
                continue
            w, ins = comb[c]
            if expanded:
                memo[c] = w[k] + max((memo[driver[b]] for b in ins if b in driver), default=0)
                continue
            stack.append((c, True))
            for b in ins:
                d = driver.get(b)
                if d is not None and d not in memo:
                    stack.append((d, False))
        return memo[root]

    def deepest_path(cell):
        """Cells on the deepest LUT path ending at cell, start first."""
        path = [cell]
        while True:
            _, ins = comb[path[-1]]
            prev = [driver[b] for b in ins if b in driver]
            if not prev:
                return path[::-1]
            path.append(max(prev, key=lambda c: (cell_depth(c, 0), cell_depth(c, 1))))

    stages = []
    for stage, bits in endpoints.items():
        cells = [driver[b] for b in bits if b in driver]
        levels = max((cell_depth(c, 0) for c in cells), default=0)
        length = max((cell_depth(c, 1) for c in cells), default=0)
        stages.append((levels, length, stage))
    stages.sort(key=lambda s: (-s[0], -s[1], s[2]))

    print(f"LUT levels per stage of {top} ({len(stages)} register groups); beside them the cells "
          f"on the stage's longest path, carry cells included")
    if unknown:
        print("cells counted as one level by default: " + ", ".join(sorted(unknown)))
    per_module = defaultdict(lambda: (0, "", 0))
    for d, _, s in stages:
        m = s.split(".")[0] if "." in s else "(top)"
        deepest, name, n = per_module[m]
        per_module[m] = (max(deepest, d), name if deepest >= d else s, n + 1)
    print(f"\nper module: LUT levels of its deepest stage, that stage, stages, stages over {args.limit}")
    over_limit = defaultdict(int)
    for d, _, s in stages:
        if d > args.limit:
            over_limit[s.split(".")[0] if "." in s else "(top)"] += 1
    for m in sorted(per_module, key=lambda m: -per_module[m][0]):
        d, s, n = per_module[m]
        print(f"  {m:<24} {d:>4}  {s:<48} {n:>5} {over_limit[m]:>5}")
    shown = [x for x in stages if x[0] > args.limit][: args.top]
    print(f"\nstages deeper than {args.limit} levels: {sum(1 for x in stages if x[0] > args.limit)}"
          f" of {len(stages)}" + (f" (deepest {len(shown)} listed)" if shown else ""))
    if shown:
        print("  LUT levels  cells  stage")
    for d, n, s in shown:
        print(f"  {d:>10}  {n:>5}  {s}")
    if args.path:
        if args.path not in endpoints:
            print(f"no stage named {args.path}", file=sys.stderr)
            return 2
        cells = [driver[b] for b in endpoints[args.path] if b in driver]
        if cells:
            last = max(cells, key=lambda c: (cell_depth(c, 0), cell_depth(c, 1)))
            print(f"\ndeepest LUT path into {args.path}:")
            for c in deepest_path(last):
                out = [b for p, bits in mod["cells"][c]["connections"].items()
                       if mod["cells"][c].get("port_directions", {}).get(p) == "output"
                       for b in bits if isinstance(b, int)]
                names = sorted({bit_name[b] for b in out if b in bit_name})
                print(f"  {cell_depth(c, 0):>3}  {mod['cells'][c]['type']:<9} "
                      f"{', '.join(names[:2]) or c.lstrip(chr(92))[:70]}")
    if args.luts:
        print_lut_cones(mod, comb, driver, endpoints, args.luts)
    if args.cone:
        if args.cone not in stage_ffs:
            print(f"no stage named {args.cone}", file=sys.stderr)
            return 2
        print_cone(mod, comb, driver, stage_ffs, start_of, bit_name, cell_depth, args.cone)
    if args.sources:
        if args.sources not in endpoints and args.sources != "all":
            print(f"no stage named {args.sources}", file=sys.stderr)
            return 2
        print_sources(mod, comb, driver, endpoints, start_of, bit_name, cell_depth, args.sources, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
