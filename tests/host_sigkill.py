#!/usr/bin/env python3
"""Crash recovery of perpgate host: SIGKILL at random points, restart on the same journal.

The host (net_pcap, --journal, --skip-journaled-frames: the pcap source starts over) runs a
generated scenario and is killed again and again; each restart applies the journal and goes on.

Where the kills land. Each kill is drawn over the input still left, counted in the journal's
frame records (the host journals every frame before it answers it): with m kills to go, the
next one waits for a frame number drawn from the next 2/(m+1) of the frames left (the last one:
from all of them), so the kills spread over the whole run, and each must land while input
remains. Checked after every kill: the journal grew since the kill before, and it does not yet
hold every frame of the input (else the kill hit the idle wait, not the input). With
--recovery-kills, some restarts are killed on purpose while they apply the journal: after the
host says "applying the journal" and before "journal applied"; such a kill must leave the
journal as it was.

What must come out the same as an uninterrupted run's:
- every account (--state-dump) and every gateway counter (--stats);
- the open orders: the scenario ends with a cancel of every order it leaves accepted and not
  canceled (from a replay), so every open order answers "canceled" and every closed one an error;
- the decision stream: the frames sent (each run's tx pcap) and the control log (withdrawals,
  account queries, errors) of all runs, in order. A restart sends again the responses to what
  followed the journal's last TX marker, with their original sequence numbers; a client drops
  those, and so does this check (a frame or line equal to one already seen). What remains must be
  the uninterrupted run's, one for one, in order: nothing lost, doubled or reordered.

With --tx-refuse P every run but the uninterrupted one has its TX refuse bursts at random
(perpgate host --tx-refuse): a kill can then land while a burst is half sent, and restarts send
again under refusals.

usage: host_sigkill.py PERPGATE WORKDIR [--backend sw|rtl] [--events N] [--kills N]
                       [--recovery-kills N] [--seed N] [--summary FILE] [--tx-refuse P]
"""
import argparse
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

POLL_S = 0.0005  # how often the journal and the host's messages are looked at


def fail(msg):
    sys.exit(f"sigkill: FAIL: {msg}")


class JournalTail:
    """Counts the whole frame records of a journal as it grows (host/gateway/journal.hpp:
    u32 length, u8 kind, u8 reserved, u16 port, u32 checksum, payload; kind 1 is a frame).
    A record cut short ends what is counted, as it ends what a restart applies."""

    def __init__(self, path):
        self.path, self.pos, self.frames = path, 0, 0

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return self.frames
        at = 0
        while at + 12 <= len(data):
            length, kind = struct.unpack_from("<IB", data, at)
            if at + 12 + length > len(data):
                break
            self.frames += kind == 1
            at += 12 + length
        self.pos += at
        return self.frames


def journal_frames(path):
    return JournalTail(path).poll()


def pcap_frames(path):
    """The frames of a capture; a record cut short at the end (the writer killed) is left out."""
    if not os.path.exists(path):
        return []
    data = open(path, "rb").read()
    if len(data) < 24:
        return []
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        fail(f"{path}: not a little-endian pcap file")
    frames, at = [], 24
    while at + 16 <= len(data):
        incl = struct.unpack_from("<I", data, at + 8)[0]
        if at + 16 + incl > len(data):
            break
        frames.append(data[at + 16:at + 16 + incl])
        at += 16 + incl
    return frames


def log_lines(path):
    """The control log's whole lines (a line cut short at the end is left out)."""
    if not os.path.exists(path):
        return []
    text = open(path, "rb").read()
    return text.split(b"\n")[:-1]


def merge_streams(whole, runs, what):
    """Concatenates the runs' outputs, dropping what a run sent again (equal to one seen already);
    returns how many were dropped. Fails unless the result is `whole`, item for item."""
    if len(set(whole)) != len(whole):
        fail(f"the uninterrupted run's {what} holds two equal items: sent-again ones cannot be told apart")
    seen, merged, again = set(), [], 0
    for tag, items in runs:
        if len(set(items)) != len(items):
            fail(f"run {tag} sent one of its {what} twice")
        for item in items:
            if item in seen:
                again += 1
                continue
            seen.add(item)
            merged.append(item)
    if merged != whole:
        n = min(len(merged), len(whole))
        i = next((i for i in range(n) if merged[i] != whole[i]), n)
        fail(f"{what}: the killed runs' differ from the uninterrupted run's at item {i} "
             f"({len(merged)} against {len(whole)}): {merged[i:i + 1]} instead of {whole[i:i + 1]}")
    return again


class Host:
    """One perpgate host process on the scenario's pcap, its messages in TAG.err."""

    def __init__(self, args, tag, journal):
        self.tag, self.err_path = tag, f"{tag}.err"
        self.prefix = f"pg_kill_{tag}_{os.getpid()}"
        cmd = [args.perpgate, "host", "--no-huge", "--no-pci", "-l", "0", "-m", "256", "--file-prefix", self.prefix,
               "--log-level=error", f"--vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out_{tag}.pcap", "--",
               "--backend", args.backend, "--config", "gateway.toml", "--control", "control.jsonl",
               "--control-log", f"control_{tag}.jsonl", "--journal", journal, "--skip-journaled-frames",
               "--exit-when-idle", "2000", "--stats", f"stats_{tag}.json", "--state-dump", f"state_{tag}.jsonl"]
        if args.tx_refuse is not None and tag != "whole":  # the uninterrupted run is the reference: no refusals
            cmd += ["--tx-refuse", str(args.tx_refuse), "--tx-refuse-seed", str(args.seed + zlib.crc32(tag.encode()))]
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        self.t_start = time.monotonic()
        self.t_applying = self.t_applied = None

    def said(self, text):
        return text in open(self.err_path, "rb").read().decode(errors="replace")

    def watch(self):
        """Notes when the host started and ended applying its journal; False once it has exited."""
        alive = self.proc.poll() is None
        if self.t_applying is None and self.said("applying the journal"):
            self.t_applying = time.monotonic()
        if self.t_applied is None and self.said("journal applied"):
            self.t_applied = time.monotonic()
        return alive

    def applied_frames(self):
        for line in open(self.err_path).read().splitlines():
            if "journal applied:" in line:
                return int(line.split("journal applied:")[1].split()[0])
        return 0

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.done()

    def wait(self):
        rc = self.proc.wait()
        self.done()
        if rc != 0:
            fail(f"run {self.tag} exited with status {rc}:\n{open(self.err_path).read()}")

    def done(self):
        self.err.close()
        shutil.rmtree(f"/var/run/dpdk/{self.prefix}", ignore_errors=True)  # DPDK's runtime directory


def make_scenario(args):
    """The generated scenario, then a cancel of every order it leaves accepted and not canceled
    (taken from the sw backend's replay), so the open orders show in the decision stream."""
    def run(*cmd):
        p = subprocess.run([args.perpgate, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            fail(f"perpgate {' '.join(cmd)} exited with status {p.returncode}:\n{p.stderr}")
        return p
    run("gen", "--seed", "11", "--accounts", "300", "--events", str(args.events), "-o", "scenario.jsonl")
    canceled, acked = set(), []
    for line in open("scenario.jsonl"):
        if '"ev":"cancel"' in line:
            canceled.add(json.loads(line)["id"])
    for line in run("replay", "--backend", "sw", "scenario.jsonl").stdout.splitlines():
        d = json.loads(line)
        if d["ev"] == "ack" and d["id"] not in canceled:
            acked.append(d["id"])
    with open("scenario.jsonl", "a") as f:
        for i in acked:
            f.write(json.dumps({"ev": "cancel", "id": i}, separators=(",", ":")) + "\n")
    run("pcap", "encode", "--bad-every", "97", "scenario.jsonl", ".")
    return len(acked)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("perpgate")
    ap.add_argument("work")
    ap.add_argument("--backend", choices=["sw", "rtl"], default="sw")
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--kills", type=int, default=3, help="kills while input remains")
    ap.add_argument("--recovery-kills", type=int, default=0,
                    help="of the restarts after those kills, how many are killed while applying the journal")
    ap.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    ap.add_argument("--summary", help="write the figures here (JSON)")
    ap.add_argument("--tx-refuse", type=float,
                    help="the killed runs' TX refuses each burst with this chance (perpgate host --tx-refuse)")
    args = ap.parse_args()
    if args.kills < 1 or not 0 <= args.recovery_kills <= args.kills:
        fail("--kills must be at least 1, --recovery-kills between 0 and --kills")
    args.perpgate = os.path.abspath(args.perpgate)
    if args.summary:
        args.summary = os.path.abspath(args.summary)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    os.chdir(args.work)
    rng = random.Random(args.seed)
    print(f"sigkill: seed {args.seed}, backend {args.backend}, {args.events} events, {args.kills} kills during input, "
          f"{args.recovery_kills} during recovery", flush=True)
    probes = make_scenario(args)
    t0 = time.monotonic()

    whole = Host(args, "whole", "whole.journal")
    whole.wait()
    whole_s = time.monotonic() - t0
    total = journal_frames("whole.journal")
    print(f"sigkill: uninterrupted run {whole_s:.1f} s, {total} frames, {probes} cancels at the end, "
          f"journal {os.path.getsize('whole.journal')} bytes", flush=True)
    if total <= 2 * args.kills:
        fail(f"{total} frames are too few for {args.kills} kills")

    journal = "killed.journal"
    tail = JournalTail(journal)
    runs = []  # tags in the order they ran
    # The restarts to kill during recovery: after a restart has been timed if there is one.
    first = 1 if args.kills > args.recovery_kills else 0
    recover_after = set(rng.sample(range(first, args.kills), args.recovery_kills))
    apply_s_per_frame = None  # the last restart's time to apply its journal, per frame
    kills, recovery_kills, recovery_misses = [], 0, 0
    recoveries = []  # seconds each restart took to apply its journal, as watched
    expect_applied = 0  # frames the next restart must apply: the whole records the last kill left

    def restart_check(host):
        nonlocal apply_s_per_frame
        if not host.said("journal applied"):
            return  # killed before it finished applying
        if host.applied_frames() != expect_applied:
            fail(f"run {host.tag} applied {host.applied_frames()} frames, the journal held {expect_applied}")
        if host.t_applying and host.t_applied and expect_applied:  # the host said both while watched
            apply_s_per_frame = (host.t_applied - host.t_applying) / expect_applied
            recoveries.append(round(host.t_applied - host.t_applying, 3))

    for k in range(args.kills):
        have = tail.poll()
        left = total - have
        # The frame to kill at: drawn over the next 2/(m+1) of what is left, m the kills to go
        # (all of it for the last kill), short of the end so that input still remains when the
        # kill lands: it comes a few milliseconds after the frame (more on a busy machine), so
        # the margin is a tenth of what is left, two bursts, or 50 ms of the uninterrupted run.
        margin = max(64, left // 10, int(0.05 * total / whole_s))
        span = max(1, min(2 * left // (args.kills - k + 1), left - margin))
        target = have + 1 + rng.randrange(span)
        tag = f"k{k + 1}"
        host = Host(args, tag, journal)
        runs.append(tag)
        while tail.poll() < target:
            if not host.watch():
                fail(f"run {tag} ended before its kill at frame {target} (journal at {tail.frames})")
            time.sleep(POLL_S)
        host.watch()
        host.kill()
        restart_check(host)
        after = tail.poll()
        if after <= have:
            fail(f"run {tag}: the journal did not grow ({have} frames before, {after} after the kill)")
        if after >= total:
            fail(f"run {tag}: killed after the whole input was journaled ({after} frames of {total})")
        kills.append({"run": tag, "from": have, "target": target, "at": after, "bytes": os.path.getsize(journal)})
        print(f"sigkill: run {tag} killed at frame {after} of {total} (drawn {target}, from {have})", flush=True)
        expect_applied = after

        if k not in recover_after:
            continue
        # Killed again while it applies the journal: at a time drawn over the last restart's
        # time to apply (scaled to this journal), three quarters of it so the kill lands before
        # the end; a kill that comes too late (the host took input) is counted and tried again.
        for attempt in range(5):
            tag = f"k{k + 1}r{attempt + 1}"
            size_before = os.path.getsize(journal)
            host = Host(args, tag, journal)
            runs.append(tag)
            while host.t_applying is None:
                if not host.watch():
                    fail(f"run {tag} ended before it applied its journal")
                time.sleep(POLL_S)
            est = (apply_s_per_frame or 2e-6) * after * 0.75 / (2 ** attempt)
            deadline = host.t_applying + rng.uniform(0, est)
            while time.monotonic() < deadline and host.watch() and host.t_applied is None:
                time.sleep(POLL_S)
            host.watch()
            into = time.monotonic() - host.t_applying
            host.kill()
            restart_check(host)
            if not host.said("journal applied") and host.proc.returncode == -signal.SIGKILL:
                if tail.poll() != after or os.path.getsize(journal) > size_before:
                    fail(f"run {tag}: killed during recovery, yet the journal changed")
                recovery_kills += 1
                print(f"sigkill: run {tag} killed during recovery, {into:.3f} s into it", flush=True)
                break
            recovery_misses += 1
            after = tail.poll()  # it finished recovering and may have taken input
            expect_applied = after
            print(f"sigkill: run {tag} was killed after its recovery (journal at frame {after}); again", flush=True)
        else:
            fail(f"no kill landed during recovery after kill {k + 1} in 5 tries")

    final = Host(args, "final", journal)
    runs.append("final")
    while final.watch():
        time.sleep(POLL_S * 10)
    final.wait()
    restart_check(final)
    if tail.poll() != total:
        fail(f"the journal holds {tail.frames} frames at the end, the uninterrupted run's {total}")

    # Accounts (their log position "out" left aside: only the state is compared) and counters.
    def state(tag):
        out = []
        for line in open(f"state_{tag}.jsonl"):
            d = json.loads(line)
            d.pop("out", None)
            out.append(d)
        return out
    a, b = state("whole"), state("final")
    if not a:
        fail("the uninterrupted run dumped no account")
    if a != b:
        i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        fail(f"account states differ (first at account line {i})")
    counters = lambda tag: json.load(open(f"stats_{tag}.json"))["gateway"]
    if counters("whole") != counters("final"):
        fail(f"gateway counters differ:\n{counters('whole')}\n{counters('final')}")
    if args.tx_refuse is not None:
        st = json.load(open("stats_final.json"))
        if st["tx_dropped"] != 0 or st.get("tx_refuse", {}).get("refusals", 0) == 0:
            fail(f"the last run under TX refusals: tx_dropped {st['tx_dropped']}, "
                 f"refusals {st.get('tx_refuse', {}).get('refusals')}")
        refused = {"chance": args.tx_refuse, "last_run_calls": st["tx_refuse"]["calls"],
                   "last_run_refusals": st["tx_refuse"]["refusals"], "last_run_retries": st["tx_retries"]}
        print(f"sigkill: the last run's TX refused {st['tx_refuse']['refusals']} of {st['tx_refuse']['calls']} bursts "
              f"({st['tx_retries']} retries)", flush=True)
    else:
        refused = None
    frames_again = merge_streams(pcap_frames("out_whole.pcap"), [(t, pcap_frames(f"out_{t}.pcap")) for t in runs],
                                 "frames sent")
    lines_again = merge_streams(log_lines("control_whole.jsonl"), [(t, log_lines(f"control_{t}.jsonl")) for t in runs],
                                "control log lines")
    out_frames = len(pcap_frames("out_whole.pcap"))
    print(f"sigkill: PASS: {len(a)} accounts, every counter, {out_frames} frames out and "
          f"{len(log_lines('control_whole.jsonl'))} control log lines equal after {len(kills)} kills during input and "
          f"{recovery_kills} during recovery ({recovery_misses} too late, tried again); "
          f"{frames_again} frames and {lines_again} log lines sent again after restarts, each dropped once; "
          f"restarts applied their journals in {max(recoveries, default=0):.2f} s at most",
          flush=True)
    if args.summary:
        at = sorted(x["at"] for x in kills)
        json.dump({"backend": args.backend, "events": args.events, "seed": args.seed, "frames_in": total,
                   "frames_out": out_frames, "whole_run_s": round(whole_s, 2),
                   "all_runs_s": round(time.monotonic() - t0, 1), "kills_during_input": len(kills),
                   "kills_during_recovery": recovery_kills, "recovery_kills_too_late": recovery_misses,
                   "restarts": len(runs), "journal_bytes": os.path.getsize(journal),
                   "whole_journal_bytes": os.path.getsize("whole.journal"),
                   "kill_frames_min_median_max": [at[0], at[len(at) // 2], at[-1]],
                   "recovery_s_median_max": [sorted(recoveries)[len(recoveries) // 2], max(recoveries)]
                   if recoveries else None,
                   "tx_refuse": refused, "frames_sent_again": frames_again, "log_lines_sent_again": lines_again, "result": "pass",
                   "kills": kills}, open(args.summary, "w"), indent=1)


if __name__ == "__main__":
    main()
