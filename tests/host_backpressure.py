#!/usr/bin/env python3
"""Backpressure on perpgate host: the transmit side refuses bursts at random.

A generated scenario (perpgate gen, pcap encode) runs through perpgate host (net_pcap) once as
it is, then again with --tx-refuse P: a DPDK TX callback on every port refuses each
rte_eth_tx_burst call with chance P, handing the driver only a random prefix of the burst (or
nothing), as a NIC with a full TX ring does. The host's TX path must offer the rest again, in
order, and lose nothing.

Layouts: "one" (the three roles on DPDK port 0, as pcap encode writes them) and "three"
(client on port 0, venue on 1, market data and risk desk on 2: the input split by destination
UDP port, so each port sends and is refused on its own, and the host flushes on every change
of port).

Checked for every refused run, against the run without refusals:
- exit status 0; stats: tx_dropped 0, tx_retries > 0, refusals and refused frames > 0; the
  frames received and every gateway counter equal;
- per port, the frames sent: equal frame for frame, in order (nothing lost, doubled or
  reordered within a port);
- every account (--state-dump) and the control log equal;
and on the refused run's own output: every order received on the client port gets exactly one
ack or reject, in the order the orders came, and every ack exactly one forward to the venue, in
the order of the acks.

With --refuse 1 every burst is refused: the host must give up on the port after its retries,
count every frame it could not send as tx_dropped and exit with status 1 (--expect-drop).

usage: host_backpressure.py PERPGATE WORKDIR [--backend sw|rtl] [--events N] [--layout one|three] [--refuse P]
                            [--runs N] [--seed N] [--expect-drop] [--summary FILE]
"""
import argparse
import json
import mmap
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time

PAYLOAD = 42  # Ethernet + IPv4 + UDP headers
NEW_ORDER, ACK, REJECT, FORWARD = 0x01, 0x81, 0x82, 0x84
ID_AT = 24  # order id in new_order, ack, reject and forward_order (protocol/wire.toml)


def fail(msg):
    sys.exit(f"backpressure: FAIL: {msg}")


def frames(path):
    """The frames of a capture, one by one, without loading it whole."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 24:
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            if struct.unpack_from("<I", m, 0)[0] not in (0xA1B2C3D4, 0xA1B23C4D):
                fail(f"{path}: not a little-endian pcap file")
            at, end = 24, len(m)
            while at + 16 <= end:
                incl = struct.unpack_from("<I", m, at + 8)[0]
                if at + 16 + incl > end:
                    fail(f"{path}: a record cut short at byte {at}")
                yield m[at + 16:at + 16 + incl]
                at += 16 + incl


def udp_dst(frame):
    return struct.unpack_from(">H", frame, 36)[0]


def ids(path, types, udp_port=None):
    """Order ids of the messages of these types in a capture (to one UDP port if given)."""
    for f in frames(path):
        if len(f) >= PAYLOAD + ID_AT + 8 and f[PAYLOAD] in types and (udp_port is None or udp_dst(f) == udp_port):
            yield struct.unpack_from("<Q", f, PAYLOAD + ID_AT)[0]


def same_stream(a, b, what):
    """Two streams equal item for item; returns their length."""
    n = 0
    sentinel = object()
    ia, ib = iter(a), iter(b)
    while True:
        x, y = next(ia, sentinel), next(ib, sentinel)
        if x is sentinel and y is sentinel:
            return n
        if x is sentinel or y is sentinel or x != y:
            show = lambda v: "the end" if v is sentinel else v.hex() if isinstance(v, bytes) else v
            fail(f"{what}: differ at item {n}: {show(x)} against {show(y)}")
        n += 1


def run_tool(args, *cmd):
    p = subprocess.run([args.perpgate, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail(f"perpgate {' '.join(cmd)} exited with status {p.returncode}:\n{p.stderr}")


def config_ports(args):
    """Reads the client, venue and market UDP ports from gateway.toml; with three ports, moves
    the venue to DPDK port 1 and the market to 2."""
    lines, section, udp = open("gateway.toml").read().splitlines(), None, {}
    moved = {"venue": 1, "market": 2} if args.layout == "three" else {}
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip("[]")
        elif section in ("client", "venue", "market") and line.startswith("udp_port"):
            udp[section] = int(line.split("=")[1])
        elif section in moved and line.startswith("dpdk_port"):
            lines[i] = f"dpdk_port = {moved[section]}"
    open("gateway.toml", "w").write("\n".join(lines) + "\n")
    return udp


def split_input(udp):
    """in.pcap split by destination UDP port: client to in_0, venue to in_1, market to in_2."""
    port_of = {udp["client"]: 0, udp["venue"]: 1, udp["market"]: 2}
    with open("in.pcap", "rb") as f:
        head = f.read(24)
    outs = [open(f"in_{p}.pcap", "wb") for p in range(3)]
    for o in outs:
        o.write(head)
    rec = bytearray(16)
    for fr in frames("in.pcap"):
        p = port_of.get(udp_dst(fr))
        if p is None:
            fail(f"an input frame to UDP port {udp_dst(fr)}, which no role has")
        struct.pack_into("<IIII", rec, 0, 0, 0, len(fr), len(fr))
        outs[p].write(rec)
        outs[p].write(fr)
    for o in outs:
        o.close()


class Run:
    def __init__(self, args, tag, refuse=None, seed=1, expect_rc=0):
        self.tag = tag
        n = 3 if args.layout == "three" else 1
        vdevs = [f"--vdev=net_pcap{p},rx_pcap={'in.pcap' if n == 1 else f'in_{p}.pcap'},tx_pcap=out_{tag}_{p}.pcap"
                 for p in range(n)]
        prefix = f"pg_bp_{tag}_{os.getpid()}"
        cmd = [args.perpgate, "host", "--no-huge", "--no-pci", "-l", "0", "-m", "512", "--file-prefix", prefix,
               "--log-level=error", *vdevs, "--", "--backend", args.backend, "--config", "gateway.toml",
               "--control", "control.jsonl", "--control-log", f"control_{tag}.jsonl", "--exit-when-idle", "2000",
               "--stats", f"stats_{tag}.json", "--state-dump", f"state_{tag}.jsonl"]
        if refuse is not None:
            cmd += ["--tx-refuse", str(refuse), "--tx-refuse-seed", str(seed)]
        t0 = time.monotonic()
        with open(f"{tag}.err", "wb") as err:
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err).returncode
        self.wall_s = time.monotonic() - t0
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
        if rc != expect_rc:
            fail(f"run {tag} exited with status {rc}, expected {expect_rc}:\n{open(f'{tag}.err').read()}")
        self.ports = list(range(n))
        self.stats = json.load(open(f"stats_{tag}.json"))

    def out(self, port):
        return f"out_{self.tag}_{port}.pcap"

    def remove_outputs(self):
        for p in self.ports:
            os.unlink(self.out(p))


def check_orders(run, udp):
    """Exactly one ack or reject per order, in order; exactly one forward per ack, in order."""
    client_in = "in.pcap" if len(run.ports) == 1 else "in_0.pcap"
    client_out, venue_out = run.out(0), run.out(1 if len(run.ports) == 3 else 0)
    orders = same_stream(ids(client_in, {NEW_ORDER}, udp["client"]), ids(client_out, {ACK, REJECT}),
                         f"run {run.tag}: orders received against acks and rejects sent")
    acks = same_stream(ids(client_out, {ACK}), ids(venue_out, {FORWARD}),
                       f"run {run.tag}: acks against forwards to the venue")
    return orders, acks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("perpgate")
    ap.add_argument("work")
    ap.add_argument("--events", type=int, default=100000)
    ap.add_argument("--backend", choices=["sw", "rtl"], default="sw")
    ap.add_argument("--layout", choices=["one", "three"], default="one")
    ap.add_argument("--refuse", type=float, default=0.5, help="chance that TX refuses a burst")
    ap.add_argument("--runs", type=int, default=1, help="refused runs, each with its own seed")
    ap.add_argument("--reference-runs", type=int, default=1, help="runs without refusals (for the wall time's spread)")
    ap.add_argument("--seed", type=int, default=28)
    ap.add_argument("--expect-drop", action="store_true", help="every burst refused: expect tx_dropped and status 1")
    ap.add_argument("--summary", help="write the figures here (JSON)")
    args = ap.parse_args()
    args.perpgate = os.path.abspath(args.perpgate)
    if args.summary:
        args.summary = os.path.abspath(args.summary)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    os.chdir(args.work)
    print(f"backpressure: {args.backend} backend, {args.events} events, {args.layout} port(s), "
          f"TX refuses a burst with chance {args.refuse}, seed {args.seed}", flush=True)
    t = time.monotonic()
    run_tool(args, "gen", "--seed", str(args.seed), "--accounts", "300", "--events", str(args.events),
             "-o", "scenario.jsonl")
    run_tool(args, "pcap", "encode", "scenario.jsonl", ".")
    udp = config_ports(args)
    if args.layout == "three":
        split_input(udp)
    frames_in = json.load(open("encode.json"))["frames"]
    print(f"backpressure: scenario and {frames_in} frames in {time.monotonic() - t:.1f} s", flush=True)

    if args.expect_drop:
        r = Run(args, "all_refused", refuse=args.refuse, seed=args.seed, expect_rc=1)
        st, gw = r.stats, r.stats["gateway"]
        made = sum(role["tx_frames"] for role in gw["roles"].values())
        sent = sum(sum(1 for _ in frames(r.out(p))) for p in r.ports)
        if made == 0:
            fail("the gateway made no frame to send")
        if st["tx_dropped"] + sent != made:
            fail(f"the gateway made {made} frames: {sent} sent and {st['tx_dropped']} counted as dropped")
        if sent != 0 or st["tx_dropped"] == 0:
            fail(f"with every burst refused, {sent} frames went out and {st['tx_dropped']} were dropped")
        print(f"backpressure: PASS: every burst refused: all {made} frames counted as tx_dropped, exit status 1",
              flush=True)
        return

    refs = []
    for i in range(args.reference_runs):
        refs.append(Run(args, f"ref{i}" if i else "ref"))
        if i:
            for p in refs[-1].ports:
                same_stream(frames(refs[0].out(p)), frames(refs[-1].out(p)), f"reference run {i}, port {p}")
            refs[-1].remove_outputs()
    ref = refs[0]
    if ref.stats["tx_dropped"] != 0 or ref.stats["rx_frames"] != frames_in:
        fail(f"the run without refusals: tx_dropped {ref.stats['tx_dropped']}, {ref.stats['rx_frames']} of "
             f"{frames_in} frames received")
    print(f"backpressure: run without refusals {ref.wall_s:.1f} s", flush=True)
    ref_out = [sum(1 for _ in frames(ref.out(p))) for p in ref.ports]
    state = lambda tag: open(f"state_{tag}.jsonl", "rb").read()
    log = lambda tag: open(f"control_{tag}.jsonl", "rb").read()

    results = []
    for i in range(args.runs):
        tag = f"refused{i}"
        r = Run(args, tag, refuse=args.refuse, seed=args.seed + i)
        st, rf = r.stats, r.stats.get("tx_refuse")
        if rf is None:
            fail(f"run {tag}: no tx_refuse figures in the stats")
        if st["tx_dropped"] != 0:
            fail(f"run {tag}: {st['tx_dropped']} frames dropped by TX")
        if st["tx_retries"] == 0 or rf["refusals"] == 0 or rf["refused_frames"] == 0:
            fail(f"run {tag}: nothing was refused (retries {st['tx_retries']}, refusals {rf['refusals']})")
        if st["rx_frames"] != ref.stats["rx_frames"]:
            fail(f"run {tag}: {st['rx_frames']} frames received, {ref.stats['rx_frames']} without refusals")
        if st["gateway"] != ref.stats["gateway"]:
            fail(f"run {tag}: gateway counters differ:\n{ref.stats['gateway']}\n{st['gateway']}")
        for p in r.ports:
            same_stream(frames(ref.out(p)), frames(r.out(p)), f"run {tag}: frames sent on port {p}")
        if state(tag) != state("ref") or not state("ref"):
            fail(f"run {tag}: account states differ from the run without refusals (or none dumped)")
        if log(tag) != log("ref"):
            fail(f"run {tag}: control log differs from the run without refusals")
        orders, acks = check_orders(r, udp)
        print(f"backpressure: run {tag} {r.wall_s:.1f} s: {rf['refusals']} of {rf['calls']} TX bursts refused "
              f"({rf['nothing_taken']} taking nothing), {rf['refused_frames']} frames offered again, "
              f"{st['tx_retries']} retries; {orders} orders answered once each in order, {acks} acks forwarded "
              f"once each; frames per port {ref_out} equal to the run without refusals", flush=True)
        results.append({"seed": args.seed + i, "wall_s": round(r.wall_s, 2), "tx_calls": rf["calls"],
                        "refusals": rf["refusals"], "nothing_taken": rf["nothing_taken"],
                        "refused_frames": rf["refused_frames"], "tx_retries": st["tx_retries"], "orders": orders,
                        "acks": acks})
        r.remove_outputs()

    print(f"backpressure: PASS: {args.runs} refused run(s), {frames_in} frames in, {sum(ref_out)} out, nothing lost, "
          f"doubled or reordered", flush=True)
    if args.summary:
        walls = [x["wall_s"] for x in results]
        ref_walls = [round(x.wall_s, 2) for x in refs]
        json.dump({"backend": args.backend, "events": args.events, "layout": args.layout,
                   "refuse_chance": args.refuse, "seed": args.seed,
                   "frames_in": frames_in, "frames_out_per_port": ref_out,
                   "reference_wall_s": ref_walls, "refused_wall_s": walls,
                   "refused_wall_s_median_min_max": [statistics.median(walls), min(walls), max(walls)],
                   "reference_wall_s_median_min_max": [statistics.median(ref_walls), min(ref_walls), max(ref_walls)],
                   "runs": results, "result": "pass"}, open(args.summary, "w"), indent=1)
    for p in ref.ports:
        os.unlink(ref.out(p))


if __name__ == "__main__":
    main()
