#!/usr/bin/env python3
"""Where postorder's slow orders wait: the overhead phase under a scheduler
trace, each request's first millisecond after it was written split by what
the gateway's loop threads were doing, and by what ran while they waited.

    python3 bench/sched_tail.py [--build build] [--out DIR] [--fresh] [--window-us 1000]

As bench/overhead_split.py (100 restaurants at 20 ms per XML call, 10 sources,
store on tmpfs, the saturation phase first unless `--fresh`, then 15 s open
loop at 218 orders/s), with `perf record -a -e sched:sched_switch -e
sched:sched_waking` for 12 s of the phase. A request's window starts when the
generator wrote it (the samples' intended time plus `late_us`). Slow: overhead
over 1.5 ms; fast: under 0.6 ms. Needs perf (linux-perf).
"""

import argparse
import bisect
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402

SWITCH = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch: prev_comm=(.+?) "
                    r"prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.+?) next_pid=(\d+)")
WAKING = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:sched_waking: comm=(.+?) pid=(\d+)")
LOOP = "rkgate.loop"


def read_trace(path):
    """Each loop thread's states as (time µs, 'run' | 'wait' | 'sleep') changes,
    and each CPU's runs as (start, end, comm)."""
    states = collections.defaultdict(list)
    runs = collections.defaultdict(list)
    current = {}
    for line in open(path):
        m = SWITCH.match(line)
        if m:
            cpu, t = int(m[3]), float(m[4]) * 1e6
            prev, prev_pid, prev_state, nxt, next_pid = m[5], int(m[6]), m[7], m[8], int(m[9])
            if prev.startswith(LOOP):
                states[prev_pid].append((t, "wait" if prev_state.startswith("R") else "sleep"))
            if nxt.startswith(LOOP):
                states[next_pid].append((t, "run"))
            if cpu in current:
                start, comm = current[cpu]
                runs[cpu].append((start, t, re.sub(r"/\d+$", "", comm)))
            current[cpu] = (t, nxt)
            continue
        m = WAKING.match(line)
        if m and m[5].startswith(LOOP):
            pid, t = int(m[6]), float(m[4]) * 1e6
            if states[pid] and states[pid][-1][1] == "sleep":
                states[pid].append((t, "wait"))
    return states, runs


def overlap(changes, a, b):
    """Time in each state of a change list within [a, b)."""
    times = [c[0] for c in changes]
    i = max(0, bisect.bisect_right(times, a) - 1)
    out = collections.Counter()
    while i < len(changes) and changes[i][0] < b:
        end = changes[i + 1][0] if i + 1 < len(changes) else b
        if min(end, b) > max(changes[i][0], a):
            out[changes[i][1]] += min(end, b) - max(changes[i][0], a)
        i += 1
    return out


def who_ran(runs, starts, a, b):
    out = collections.Counter()
    for cpu, iv in runs.items():
        i = max(0, bisect.bisect_right(starts[cpu], a) - 1)
        while i < len(iv) and iv[i][0] < b:
            s, e, comm = iv[i]
            if min(e, b) > max(s, a):
                out[comm] += min(e, b) - max(s, a)
            i += 1
    return out


def shares(counter):
    total = sum(counter.values()) or 1
    return ", ".join(f"{k} {v / total * 100:.0f} %" for k, v in counter.most_common(10))


def analyse(trace, samples_path, window):
    states, runs = read_trace(trace)
    for iv in runs.values():
        iv.sort()
    starts = {cpu: [x[0] for x in iv] for cpu, iv in runs.items()}
    all_times = [t for changes in states.values() for t, _ in changes]
    lo, hi = min(all_times), max(all_times) - window
    sent = []
    for line in list(open(samples_path))[1:]:
        _, intended_ms, _, overhead_us, late_us = line.rstrip("\n").split("\t")[:5]
        t = float(intended_ms) * 1000 + float(late_us)
        if lo < t < hi:
            sent.append((t, float(overhead_us)))
    for name, group in (("slow (> 1.5 ms)", [s for s in sent if s[1] > 1500]),
                        ("fast (< 0.6 ms)", [s for s in sent if s[1] < 600])):
        loop_states, while_waiting = collections.Counter(), collections.Counter()
        for t, _ in group:
            for changes in states.values():
                loop_states.update(overlap(changes, t, t + window))
                times = [c[0] for c in changes]
                i = max(0, bisect.bisect_right(times, t) - 1)
                while i < len(changes) and changes[i][0] < t + window:
                    if changes[i][1] == "wait":
                        end = changes[i + 1][0] if i + 1 < len(changes) else t + window
                        a, b = max(changes[i][0], t), min(end, t + window)
                        if b > a:
                            while_waiting.update(who_ran(runs, starts, a, b))
                    i += 1
        print(f"{name}: {len(group)} orders")
        print(f"  loop threads in the first {window:.0f} µs: {shares(loop_states)}")
        print(f"  on the CPUs while a loop thread waited: {shares(while_waiting)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--out", default="/tmp/rkgate-sched-tail")
    ap.add_argument("--fresh", action="store_true", help="no saturation phase before")
    ap.add_argument("--window-us", type=float, default=1000)
    args = ap.parse_args()
    restaurants, sources = 100, 10
    b = bench.Bench(args.build, args.out, store_dir="/dev/shm")
    try:
        gw = bench.standalone_overhead_gateway(b, restaurants, sources, saturate=not args.fresh)
        data = os.path.join(args.out, "sched.data")
        bench.traced_overhead_phase(b, gw, restaurants, sources, ["-a", "-k", "CLOCK_MONOTONIC", "-e",
                                    "sched:sched_switch", "-e", "sched:sched_waking", "-o", data], 12)
    finally:
        b.close()
    trace = bench.perf_script(data, os.path.join(args.out, "sched.txt"), "comm,tid,cpu,time,event,trace")
    analyse(trace, os.path.join(args.out, "overhead.samples.tsv"), args.window_us)


if __name__ == "__main__":
    main()
