#!/usr/bin/env python3
"""Splits a run's latency tail by whether a request overlapped a burst of one
thread of the machine (by default the kernel's DAMON monitor, kdamond).

    perf record -a -k CLOCK_MONOTONIC -F 1000 -o perf.data -- sleep 10   # during the load
    perf script -i perf.data -F comm,tid,cpu,time > perf.txt
    python3 bench/tail_windows.py perf.txt results/postorder-overhead.samples.tsv [--thread kdamond]

The samples file is rkgate-bench's `--samples` output (bench/run.py writes one
for postorder's overhead phase); both files carry CLOCK_MONOTONIC times. A
burst is a run of the thread's perf samples less than 20 ms apart; a request
overlaps it when its [send, send + latency] window comes within 5 ms of it.
Prints the overhead's percentiles for both sets (latency where the server
reported no upstream time), and, from samples that carry the generator's
`late_us` and `read_lag_us`, the server's own part: the overhead from the
request's write to the answer's arrival in the generator's kernel.
"""

import argparse
import re

SAMPLE_LINE = re.compile(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):")


def bursts_of(perf_text, thread, gap_ms=20.0):
    """(first, last) ms of each burst of `thread`, plus the trace's own span."""
    times, first, last = [], None, None
    with open(perf_text) as f:
        for line in f:
            m = SAMPLE_LINE.match(line)
            if not m:
                continue
            t = float(m.group(4)) * 1000
            first = t if first is None else first
            last = t
            if m.group(1).startswith(thread):
                times.append(t)
    bursts = []
    for t in sorted(times):
        if bursts and t - bursts[-1][1] < gap_ms:
            bursts[-1][1] = t
        else:
            bursts.append([t, t])
    return bursts, (first, last)


def read_samples(path):
    """(sent ms, latency us, overhead us, the server's own part us or None) per response."""
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split("\t")
            sent, latency, overhead = float(fields[1]), float(fields[2]), float(fields[3])
            overhead = overhead if overhead >= 0 else latency
            own = None
            if len(fields) >= 6 and float(fields[5]) >= 0:
                own = max(0.0, overhead - float(fields[4]) - float(fields[5]))
            rows.append((sent, latency, overhead, own))
    return rows


def percentiles(values):
    v = sorted(values)
    if not v:
        return "none"
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))] / 1000
    return f"n {len(v):5}  p50 {q(0.5):6.2f}  p90 {q(0.9):6.2f}  p99 {q(0.99):6.2f}  max {v[-1] / 1000:6.2f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("perf_script")
    ap.add_argument("samples")
    ap.add_argument("--thread", default="kdamond", help="thread name prefix (default: kdamond)")
    args = ap.parse_args()
    bursts, (first, last) = bursts_of(args.perf_script, args.thread)
    if first is None:
        raise SystemExit("no perf samples in " + args.perf_script)
    lengths = sorted(b[1] - b[0] for b in bursts)
    starts = [b[0] for b in bursts]
    period = (starts[-1] - starts[0]) / (len(starts) - 1) if len(starts) > 1 else 0
    print(f"{args.thread}: {len(bursts)} bursts in {(last - first) / 1000:.1f} s, every {period:.0f} ms on average, "
          f"longest {lengths[-1] if lengths else 0:.0f} ms")
    rows = [r for r in read_samples(args.samples) if first <= r[0] and r[0] + r[1] / 1000 <= last]

    def overlaps(r):
        a, b = r[0], r[0] + r[1] / 1000
        return any(x[0] - 5 <= b and a <= x[1] + 5 for x in bursts)

    print("overlapping a burst:    ", percentiles(r[2] for r in rows if overlaps(r)))
    print("not overlapping a burst:", percentiles(r[2] for r in rows if not overlaps(r)))
    print("all in the trace:       ", percentiles(r[2] for r in rows))
    if any(r[3] is not None for r in rows):
        print("the server's own part (the write to the answer's arrival):")
        print("  overlapping a burst:    ", percentiles(r[3] for r in rows if r[3] is not None and overlaps(r)))
        print("  not overlapping a burst:", percentiles(r[3] for r in rows if r[3] is not None and not overlaps(r)))
        print("  all in the trace:       ", percentiles(r[3] for r in rows if r[3] is not None))


if __name__ == "__main__":
    main()
