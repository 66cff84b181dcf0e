#!/usr/bin/env bash
# End to end through the DPDK host: scenario -> perpgate pcap encode -> in.pcap -> perpgate host
# (net_pcap, no hugepages, no NIC) -> out.pcap + control log -> perpgate pcap decode -> JSON Lines,
# which must equal `perpgate replay` on the same scenario byte for byte. Bad frames mixed in
# (--bad-every) must each be counted once and change nothing.
# usage: host_e2e.sh PERPGATE SCENARIO BACKEND WORKDIR [BAD_EVERY]
set -euo pipefail
perpgate=$1 scenario=$2 backend=$3 work=$4 bad_every=${5:-0}
rm -rf "$work" && mkdir -p "$work" && cd "$work"

"$perpgate" pcap encode --bad-every "$bad_every" "$scenario" .
# Each run its own EAL file prefix, so ctest -j runs DPDK processes side by side.
"$perpgate" host --no-huge --no-pci -l 0 -m 256 --file-prefix "pg_$(basename "$work")_$$" --log-level=error \
  --vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap -- \
  --config gateway.toml --control control.jsonl --control-log control_out.jsonl --backend "$backend" \
  --stats stats.json --exit-when-idle 2000
"$perpgate" pcap decode . out.pcap control_out.jsonl > host.jsonl
set +e
"$perpgate" replay "$scenario" > replay.jsonl
set -e
if ! cmp -s host.jsonl replay.jsonl; then
  echo "host output differs from replay:" >&2
  diff host.jsonl replay.jsonl | head -20 >&2
  exit 1
fi

python3 - <<'PY'
import json, sys
enc = json.load(open("encode.json"))
st = json.load(open("stats.json"))
roles = st["gateway"]["roles"]
dropped = sum(r[k] for r in roles.values()
              for k in ("drop_not_for_us", "drop_malformed", "drop_mac_error", "msg_malformed", "msg_wrong_port"))
errors = []
if st["rx_frames"] != enc["frames"]:
    errors.append(f"host received {st['rx_frames']} frames, in.pcap has {enc['frames']}")
if dropped != enc["bad_frames"]:
    errors.append(f"{dropped} frames counted as dropped, {enc['bad_frames']} bad frames sent")
if st["tx_dropped"] != 0:
    errors.append(f"{st['tx_dropped']} frames not taken by TX")
acks = sum(1 for l in open("replay.jsonl") if '"ev":"ack"' in l)
if st["gateway"]["acks"] != acks:
    errors.append(f"host counted {st['gateway']['acks']} acks, replay has {acks}")
if errors:
    sys.exit("\n".join(errors))
print(f"host e2e: {enc['frames']} frames ({enc['bad_frames']} bad), {acks} acks, output identical to replay")
PY
