#!/usr/bin/env python3
"""ctest tools.dissector: the generated Wireshark dissector (tools/wireshark/perpgate.lua) read by
tshark on the frames the Verilated RTL exchanged while replaying a golden file: every frame is
dissected as perpgate, every acked / rejected / canceled order and liquidation of the decisions is
there with its id, reason and account, and a frame that is not the protocol is left alone.
Usage: dissector_test.py PERPGATE_BINARY REPO_ROOT WORK_DIR"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

perpgate, root, work = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
work.mkdir(parents=True, exist_ok=True)
spec = tomllib.loads((root / "protocol/wire.toml").read_text())
reason_code = {r["name"]: r["code"] for r in spec["reason"]}
pcap = work / "reasons.pcap"
scenario = root / "tests/golden/reasons.jsonl"
out = subprocess.run([str(perpgate), "replay", "--backend", "rtl", "--pcap", str(pcap), str(scenario)],
                     check=False, capture_output=True, text=True)
decisions = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
assert decisions, "no decisions from the replay"

# A UDP frame that is not the protocol (wrong version byte) appended: it must not be dissected.
data = bytearray(pcap.read_bytes())
frame = bytearray(b"\x02\x00\x00\x00\x00\x01" * 2 + b"\x08\x00")
ip = bytearray(b"\x45\x00\x00\x3c\x00\x00\x40\x00\x40\x11\x00\x00\x0a\x00\x00\x02\x0a\x00\x00\x01")
udp = bytearray(b"\x1b\x58\x1f\x40\x00\x28\x00\x00")
payload = bytearray(32)
payload[0], payload[1], payload[2] = 0x81, 9, 32  # ack type, version 9
frame += ip + udp + payload
rec = (0).to_bytes(4, "little") * 2 + len(frame).to_bytes(4, "little") * 2
pcap.write_bytes(bytes(data + rec + frame))

fields = ["frame.number", "perpgate.type", "perpgate.ack.id", "perpgate.reject.id", "perpgate.reject.reason",
          "perpgate.canceled.id", "perpgate.liquidate.acct", "perpgate.new_order.id"]
cmd = ["tshark", "-n", "-r", str(pcap), "-X", f"lua_script:{root / 'tools/wireshark/perpgate.lua'}", "-T", "fields",
       "-E", "separator=;"]
for f in fields:
    cmd += ["-e", f]
res = subprocess.run(cmd, check=True, capture_output=True, text=True)
rows = [dict(zip(fields, line.split(";"))) for line in res.stdout.splitlines()]
frames = len(rows)
dissected = [r for r in rows if r["perpgate.type"]]
assert frames == len(dissected) + 1, f"{frames} frames, {len(dissected)} dissected: all but the foreign one expected"
assert rows[-1]["perpgate.type"] == "", "the foreign frame was dissected as perpgate"

acks = [int(r["perpgate.ack.id"]) for r in dissected if r["perpgate.ack.id"]]
rejects = [(int(r["perpgate.reject.id"]), int(r["perpgate.reject.reason"])) for r in dissected if r["perpgate.reject.id"]]
orders = [int(r["perpgate.new_order.id"]) for r in dissected if r["perpgate.new_order.id"]]
want_acks = [d["id"] for d in decisions if d["ev"] == "ack"]
want_rejects = [(d["id"], reason_code[d["reason"]]) for d in decisions if d["ev"] == "reject"]
assert acks == want_acks, f"acks {acks} != {want_acks}"
assert rejects == want_rejects, f"rejects {rejects} != {want_rejects}"
assert len(orders) == len(want_acks) + len(want_rejects), "one order frame per decision"
print(f"dissector: {frames} frames, {len(dissected)} perpgate, {len(acks)} acks and {len(rejects)} rejects as decided")
