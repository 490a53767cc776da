#!/usr/bin/env python3
"""Percentiles of each step of an order's way through the gateway.

    python3 bench/order_timeline/analyse.py STAMPS_TSV SAMPLES_TSV

STAMPS_TSV: one line per order from the stamped rkgate (order_timeline.patch),
CLOCK_MONOTONIC nanoseconds in the columns of STAMPS (0 = not stamped).
SAMPLES_TSV: rkgate-bench's samples of the same phase (intended send time in
ms on CLOCK_MONOTONIC, latency and overhead in µs). An order is matched to the
latest request sent before its handler started (at 218 orders/s they are
4.6 ms apart); stamps of orders that belong to no sample are left out.
"""

import bisect
import sys

STAMPS = {
    0: "HTTP handler started (RESTinio's request start)",
    1: "HTTP thread hands the order to the SOURCE",
    2: "SOURCE handles it",
    22: "SOURCE has spawned the ORDER (admitted)",
    3: "ORDER runs",
    4: "ORDER has its table",
    20: "ORDER builds CreateOrder",
    5: "CreateOrder posted to the transport (r_keeper time starts)",
    6: "CreateOrder reply on the transport thread (r_keeper time ends)",
    7: "CASH SERVER parses the CreateOrder reply",
    8: "CASH SERVER delivers it",
    9: "ORDER has the CreateOrder reply",
    10: "ORDER has the synced record",
    11: "ORDER asks for SaveOrder",
    12: "SaveOrder posted",
    13: "SaveOrder reply on the transport thread",
    14: "CASH SERVER parses the SaveOrder reply",
    15: "CASH SERVER delivers it",
    16: "ORDER has the SaveOrder reply",
    17: "ORDER answers",
    18: "the answer is handed to RESTinio",
    19: "the ORDER starts (spawned with the request as its first caller)",
    21: "r_keeper time in µs (the meter), not a time",
}

STEPS = [("HTTP thread: parsed, checked", 0, 1), ("hand-over to the SOURCE", 1, 2),
         ("SOURCE admission + spawn", 2, 22), ("ORDER runs", 22, 3), ("ORDER -> TABLE POOL -> ORDER", 3, 4),
         ("CreateOrder built and posted", 20, 5), ("CreateOrder reply to CASH SERVER", 6, 7),
         ("parsed, CASH SERVER -> ORDER", 7, 9), ("SaveOrder asked and posted", 9, 12),
         ("SaveOrder reply to CASH SERVER", 13, 14), ("parsed, CASH SERVER -> ORDER ", 14, 16),
         ("ORDER builds the 201", 16, 17), ("201 handed to RESTinio", 17, 18)]


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def line(name, values):
    print(f"{name:34s} p50 {pct(values, .5):8.1f}  p90 {pct(values, .9):8.1f}  p99 {pct(values, .99):8.1f} µs")


def main():
    stamps_path, samples_path = sys.argv[1], sys.argv[2]
    # The file is emptied under the running gateway when the phase starts, so
    # its first line can be the tail of one written before: skip what is cut.
    rows = []
    for l in open(stamps_path):
        fields = l.split("\t")[:-1]
        if fields and all(f.strip() for f in fields):
            rows.append(list(map(int, fields)))
    samples = []
    for l in list(open(samples_path))[1:]:
        _, intended_ms, latency_us, overhead_us = l.rstrip("\n").split("\t")[:4]
        samples.append((float(intended_ms) * 1e6, float(latency_us) * 1e3, float(overhead_us)))
    samples.sort()
    sent = [s[0] for s in samples]
    matched = []
    for r in rows:
        if any(r[i] == 0 for i in STAMPS if i != 21):
            continue
        i = bisect.bisect_right(sent, r[0]) - 1
        if i < 0:
            continue
        t, latency, overhead = samples[i]
        if t + latency >= r[18] and r[0] - t < 3e6:
            matched.append((r, t, t + latency, overhead))
    print(f"{len(matched)} of {len(rows)} stamped orders matched to the phase's {len(samples)} samples")
    if not matched:
        return
    line("overhead (rkgate-bench)", [m[3] for m in matched])
    line("in the gateway (handler to answer)", [((r[18] - r[0]) - (r[6] - r[5]) - (r[13] - r[12])) / 1e3
                                                for r, _, _, _ in matched])
    line("sent -> HTTP handler", [(r[0] - t) / 1e3 for r, t, _, _ in matched])
    line("answer handed over -> received", [(recv - r[18]) / 1e3 for r, _, recv, _ in matched])
    print("steps in the gateway:")
    for name, a, b in STEPS:
        line("  " + name, [(r[b] - r[a]) / 1e3 for r, _, _, _ in matched])


if __name__ == "__main__":
    main()
