#!/usr/bin/env python3
"""Keeps the card's build files consistent with the code (ctest constraints.consistency):
every port of the RTL top is named in the XDC and every port the XDC names exists on the top
(with its width: [*] only on vectors); every file the Vivado and Vitis HLS scripts read exists."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ROOT / "rtl/top/pg_gateway_top.sv"
XDC = ROOT / "constraints/ul3524/pg_gateway_top.xdc"
SOURCES = ROOT / "rtl/gateway_sources.f"
HLS_TCL = ROOT / "constraints/vitis_hls/hls.tcl"
VIVADO_TCL = ROOT / "constraints/vivado/build.tcl"


def top_ports() -> dict:
    """name -> is_vector, from the ANSI port list of the top module."""
    text = TOP.read_text()
    header = text[text.index("module pg_gateway_top"):text.index(");", text.index("module pg_gateway_top"))]
    header = header[header.index(") (") + 3:] if ") (" in header else header
    ports = {}
    for m in re.finditer(r"\b(input|output)\s+(?:wire\s+)?logic\s*(\[[^\]]+\])?\s*(\w+)", header):
        ports[m.group(3)] = m.group(2) is not None
    return ports


def xdc_ports() -> dict:
    """name -> written with [*], from every get_ports {...} or get_ports name in the XDC."""
    text = re.sub(r"#.*", "", XDC.read_text())
    names = {}
    for m in re.finditer(r"get_ports\s+(\{[^}]*\}|\S+?)\]", text):
        for tok in m.group(1).strip("{}").split():
            names[tok.replace("[*]", "")] = tok.endswith("[*]")
    return names


def main() -> int:
    errors = []
    ports = top_ports()
    named = xdc_ports()
    if len(ports) < 10:
        errors.append(f"found only {len(ports)} ports on {TOP.name}: the parser is broken")
    for p, vec in ports.items():
        if p not in named:
            errors.append(f"top port {p} is not constrained in {XDC.name}")
        elif named[p] != vec:
            errors.append(f"{XDC.name}: {p} is {'a vector' if vec else 'a single bit'} on the top")
    for p in named:
        if p not in ports:
            errors.append(f"{XDC.name} names {p}, which is not a port of pg_gateway_top")
    for line in SOURCES.read_text().splitlines():
        if line.startswith("rtl/") and not (ROOT / line).is_file():
            errors.append(f"{SOURCES.name} lists {line}, which does not exist")
    for tcl in (HLS_TCL, VIVADO_TCL):
        text = tcl.read_text()
        for m in re.finditer(r"\[file join \$root ([^\]]+)\]", text):
            parts = m.group(1).split()
            path = ROOT.joinpath(*parts)
            if parts[0] in ("build",) or any(p.startswith("$") for p in parts):
                continue  # outputs
            if not path.exists():
                errors.append(f"{tcl.name} reads {'/'.join(parts)}, which does not exist")
        if "xcvu2p-fsvj2104-3-e" not in text:
            errors.append(f"{tcl.name}: not the UL3524 part")
    period = re.search(r"create_clock .*-period ([0-9.]+)", XDC.read_text())
    if not period or abs(1000.0 / float(period.group(1)) - 322.265625) > 0.1:
        errors.append(f"{XDC.name}: the clock is not 322.265625 MHz")
    for e in errors:
        print("constraints:", e, file=sys.stderr)
    print(f"constraints: {len(ports)} top ports, {len(named)} named in the XDC, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
