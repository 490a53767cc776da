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
    pad_l, pad_b, pad_t, pad_r = 76, 36, 12, 12
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


def fmt_ms(us):
    return f"{us / 1000:.2f}"


def routes_table(routes):
    """Count, errors and latency (ms) of every route of a mixed run."""
    rows = ["<table border='1' cellpadding='4' cellspacing='0'><tr><th>route</th><th>count</th>"
            "<th>errors</th><th>req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th>"
            "<th>statuses</th></tr>"]
    for name, r in routes.items():
        lat = r["latency_us"]
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{r['count']}</td><td>{r['errors']}</td>"
                    f"<td>{r['rps']}</td><td>{fmt_ms(lat['p50'])}</td><td>{fmt_ms(lat['p90'])}</td>"
                    f"<td>{fmt_ms(lat['p99'])}</td><td>{fmt_ms(lat['max'])}</td>"
                    f"<td>{html.escape(json.dumps(r['statuses']))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def callbacks_section(cb):
    """Callback delivery: counts, lag table and lag-by-percentile plot."""
    parts = ["<h3>Callbacks</h3>",
             f"<p>{cb['deliveries']} deliveries ({cb['creation']} on creation, {cb['duplicates']} repeats); "
             f"{cb['cashier_changes']} cashier status changes on {cb['cashier_orders']} orders; "
             f"final statuses expected {cb['expected_final']}, <b>lost {cb['lost']}</b>, "
             f"coalesced {cb['coalesced']}, unmatched {cb['unmatched']}.</p>",
             "<table border='1' cellpadding='4' cellspacing='0'><tr><th>lag</th><th>count</th>"
             "<th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>definition</th></tr>"]
    plotted = []
    for key in ("lag_from_change_ms", "lag_from_visible_ms"):
        lag = cb.get(key)
        if not lag:
            continue
        parts.append(f"<tr><td>{key}</td><td>{lag['count']}</td><td>{lag['p50']}</td><td>{lag['p90']}</td>"
                     f"<td>{lag['p99']}</td><td>{lag['max']}</td>"
                     f"<td>{html.escape(cb['definition'].get(key, ''))}</td></tr>")
        plotted.append((key, {"latency_us": {"percentiles": lag["percentiles"]}}))
    parts.append("</table>")
    if plotted:
        parts.append(svg_percentiles(plotted))
    return "\n".join(parts)


def overhead_section(runs):
    """Overhead by percentile (end to end minus the upstream time the server reported),
    one line per route that had it: for postorder the gateway's and the machine's floor;
    beside each, the part at the server (from the request's write to the answer's
    arrival, without the load generator's own waits)."""
    lines = []
    for name, res in runs:
        for route, r in res.get("routes", {}).items():
            if "overhead_us" in r:
                lines.append((f"{name}: {route}", {"latency_us": r["overhead_us"]}))
            if "overhead_at_server_us" in r:
                lines.append((f"{name}: {route}, at the server", {"latency_us": r["overhead_at_server_us"]}))
    if not lines:
        return ""
    return ("<h3>Overhead (end to end minus the reported upstream time; at the server: from the "
            "request's write to the answer's arrival)</h3>" + svg_percentiles(lines))


def by_route(runs):
    """A run with several routes (a mix) is plotted as one line per route."""
    out = []
    for name, res in runs:
        routes = res.get("routes", {})
        if len(routes) > 1:
            out += [(f"{name}: {route}", r) for route, r in routes.items()]
        else:
            out.append((name, res))
    return out


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
        if isinstance(res.get("routes"), dict) and all("latency_us" in r for r in res["routes"].values()):
            parts.append(routes_table(res["routes"]))
        mine = [(k, v) for k, v in runs.items() if k.startswith(name + "-") or k == name]
        if mine:
            parts.append(svg_percentiles(by_route(mine)))
            parts.append(overhead_section(mine))
        if isinstance(res.get("callbacks"), dict) and "definition" in res["callbacks"]:
            parts.append(callbacks_section(res["callbacks"]))
        parts.append(f"<pre>{html.escape(json.dumps(res, indent=2))}</pre>")
    with open(os.path.join(d, "report.html"), "w") as f:
        f.write("\n".join(parts))
    print(os.path.join(d, "report.html"))


if __name__ == "__main__":
    main()
