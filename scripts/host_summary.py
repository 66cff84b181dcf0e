#!/usr/bin/env python3
"""Prints the summary of a perpgate host run from its --stats JSON: frames, orders accepted and
rejected by reason, liquidation triggers, frames dropped by cause, per-packet host latency."""
import json
import sys

st = json.load(open(sys.argv[1]))
g = st["gateway"]
rejected = sum(g["rejects"].values())
print(f"backend {st['backend']}: {st['rx_frames']} frames in, {g['orders']} orders: "
      f"{g['acks']} accepted, {rejected} rejected; {g['liquidations']} liquidation triggers")
for reason, n in sorted(g["rejects"].items(), key=lambda kv: -kv[1]):
    if n:
        print(f"  reject {reason:<22} {n}")
for role, c in g["roles"].items():
    drops = {k: v for k, v in c.items() if k not in ("frames_ok", "msg_ok", "tx_frames") and v}
    if drops:
        print(f"  {role} port dropped: " + ", ".join(f"{k} {v}" for k, v in drops.items()))
s = g["sessions"]
print(f"  sessions: unknown {s['unknown_session']}, not permitted {s['not_permitted']}, "
      f"sequence gaps {s['seq_gaps']}, stale {s['seq_stale']}; TX not taken: {st['tx_dropped']}")
h = st["host_latency_ns"]
what = ("host per packet (RX burst -> TX burst" if st["backend"] != "rtl" else
        "simulator wall time per packet, not a gateway latency (the Verilated RTL runs in the loop")
print(f"  {what}; TSC at {st['tsc_hz'] / 1e9:.2f} GHz, one run): "
      f"min {h['min']:.0f} ns, p50 {h['p50']:.0f}, p99 {h['p99']:.0f}, p99.9 {h['p99_9']:.0f}, max {h['max']:.0f} "
      f"over {h['count']} packets")
