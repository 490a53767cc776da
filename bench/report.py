#!/usr/bin/env python3
"""Writes <dir>/report.html from the results bench/run.py left in <dir>:
a table per scenario and, for every load run, an SVG latency-by-percentile plot.

    python3 bench/report.py bench/results
"""

import html
import json
import math
import os
import sys


def svg_percentiles(runs, width=640, height=260):
    """Latency (log y) by percentile on a 'nines' x axis, one line per run."""
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    pad_l, pad_b, pad_t, pad_r = 60, 36, 12, 12
    points = {}
    for name, res in runs:
        pts = [(q, us) for q, us in res["latency_us"]["percentiles"] if q < 1.0 and us > 0]
        points[name] = pts
    all_us = [us for pts in points.values() for _, us in pts] or [1]
    lo = 10 ** math.floor(math.log10(min(all_us)))
    hi = 10 ** math.ceil(math.log10(max(all_us)))
    xmax = 4.0  # up to 99.99 %

    def x(q):
        nines = -math.log10(1 - q)
        return pad_l + (width - pad_l - pad_r) * min(nines, xmax) / xmax

    def y(us):
        span = math.log10(hi) - math.log10(lo) or 1
        return pad_t + (height - pad_t - pad_b) * (1 - (math.log10(us) - math.log10(lo)) / span)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">']
    decade = lo
    while decade <= hi:
        yy = y(decade)
        label = f"{decade / 1000:g} ms" if decade >= 1000 else f"{decade:g} µs"
        out.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{pad_l - 4}" y="{yy + 4:.1f}" text-anchor="end">{label}</text>')
        decade *= 10
    for q, label in [(0.5, "50%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%"), (0.9999, "99.99%")]:
        xx = x(q)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{pad_t}" y2="{height - pad_b}" stroke="#eee"/>')
        out.append(f'<text x="{xx:.1f}" y="{height - pad_b + 14}" text-anchor="middle">{label}</text>')
    for i, (name, pts) in enumerate(points.items()):
        color = colors[i % len(colors)]
        path = " ".join(f"{x(q):.1f},{y(us):.1f}" for q, us in pts)
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        out.append(f'<text x="{pad_l + 8}" y="{pad_t + 14 + 14 * i}" fill="{color}">{html.escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    with open(os.path.join(d, "summary.json")) as f:
        summary = json.load(f)
    runs = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".json") and fn != "summary.json":
            with open(os.path.join(d, fn)) as f:
                res = json.load(f)
            if "latency_us" in res:
                runs[fn[:-5]] = res
    parts = ["<!doctype html><meta charset='utf-8'><title>rkgate benchmarks</title>",
             "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}"
             "pre{background:#f6f6f6;padding:8px;overflow:auto}</style>",
             "<h1>rkgate benchmarks</h1>",
             f"<p>Machine: {html.escape(json.dumps(summary.get('machine', {})))}</p>"]
    for name, res in summary.items():
        if name == "machine":
            continue
        met = res.get("met")
        verdict = "" if met is None else (" — target met" if met else " — target MISSED")
        parts.append(f"<h2>{html.escape(name)}{verdict}</h2>")
        parts.append(f"<pre>{html.escape(json.dumps(res, indent=2))}</pre>")
        mine = [(k, v) for k, v in runs.items() if k.startswith(name + "-") or k == name]
        if mine:
            parts.append(svg_percentiles(mine))
    with open(os.path.join(d, "report.html"), "w") as f:
        f.write("\n".join(parts))
    print(os.path.join(d, "report.html"))


if __name__ == "__main__":
    main()
