#!/usr/bin/env bash
# The control socket of a running perpgate host: stats, dump, kill switch, reload, errors, stop;
# and that an operator's kills are journaled: a second run on the same journal rejects the killed
# accounts' orders (KILLED) and takes the other's; account 1's kill lets its reduce-only order on
# to the reduce-only test, account 3's hard kill does not.
# usage: host_control.sh PERPGATE WORKDIR
set -euo pipefail
perpgate=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cat > scenario.jsonl <<'JSONL'
{"ev":"symbol","sym":"BTCUSDT","tick":"0.1","lot":"0.001","max_lev":100,"tiers":[["0","0.004","0",100]]}
{"ev":"account","acct":1,"collateral":"100000"}
{"ev":"account","acct":2,"collateral":"100000"}
{"ev":"account","acct":3,"collateral":"100000"}
{"ev":"mark","sym":"BTCUSDT","px":"60000"}
{"ev":"order","acct":1,"sym":"BTCUSDT","id":11,"side":"buy","qty":"0.01","px":"60000"}
{"ev":"order","acct":2,"sym":"BTCUSDT","id":21,"side":"buy","qty":"0.01","px":"60000"}
{"ev":"order","acct":1,"sym":"BTCUSDT","id":12,"side":"sell","qty":"0.01","px":"60000"}
{"ev":"order","acct":1,"sym":"BTCUSDT","id":13,"side":"sell","qty":"0.01","px":"60000","reduce_only":true}
{"ev":"order","acct":3,"sym":"BTCUSDT","id":31,"side":"sell","qty":"0.01","px":"60000","reduce_only":true}
JSONL
"$perpgate" pcap encode scenario.jsonl . 2> /dev/null
sock=$PWD/ctl.sock
ctl() { "$perpgate" ctl --socket "$sock" "$@"; }
common=(--config gateway.toml --control control.jsonl --control-log control_out.jsonl --journal host.journal)

# Run 1: no traffic (net_ring), commands only.
"$perpgate" host --no-huge --no-pci -l 0 -m 256 --file-prefix "pg_ctl1_$$" --log-level=error --vdev=net_ring0 -- \
  "${common[@]}" --control-socket "$sock" 2> run1.err &
host=$!
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
fail() { echo "host_control: $*" >&2; kill "$host" 2> /dev/null || true; exit 1; }
ctl stats | grep -q '"rx_frames":0' || fail "stats"
ctl dump | grep -q "\"id\":2," || fail "dump lists no account 2"
ctl kill 1 | grep -q '"ok":true' || fail "kill 1"
ctl kill 3 hard | grep -q '"hard":true' || fail "kill 3 hard"
if ctl kill 999 > err.json; then fail "kill of an unknown account accepted"; fi
grep -q 'unknown account 999' err.json || fail "kill 999: $(cat err.json)"
if ctl frob > err.json; then fail "unknown command accepted"; fi
ctl reload | grep -q '"ok":true' || fail "reload"
ctl stop | grep -q '"stop":true' || fail "stop"
wait "$host" || fail "host exit status $?"

# Run 2: the orders, on the same journal: account 1 stays killed.
"$perpgate" host --no-huge --no-pci -l 0 -m 256 --file-prefix "pg_ctl2_$$" --log-level=error \
  --vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap -- "${common[@]}" --exit-when-idle 2000 2> run2.err
"$perpgate" pcap decode . out.pcap control_out.jsonl > decisions.jsonl
grep -q 'journal applied' run2.err || { cat run2.err >&2; exit 1; }
grep -qx '{"ev":"reject","id":11,"reason":"KILLED"}' decisions.jsonl || { cat decisions.jsonl >&2; exit 1; }
grep -qx '{"ev":"ack","id":21}' decisions.jsonl || { cat decisions.jsonl >&2; exit 1; }
grep -qx '{"ev":"reject","id":12,"reason":"KILLED"}' decisions.jsonl || { cat decisions.jsonl >&2; exit 1; }
grep -qx '{"ev":"reject","id":13,"reason":"REDUCE_ONLY"}' decisions.jsonl || { cat decisions.jsonl >&2; exit 1; }
grep -qx '{"ev":"reject","id":31,"reason":"KILLED"}' decisions.jsonl || { cat decisions.jsonl >&2; exit 1; }
echo "host_control: commands answered; the operator's kill survived the restart"
