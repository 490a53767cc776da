#!/usr/bin/env python3
"""Writes <dir>/report.html from the results bench/run.py left in <dir>: the
machine, a table of the targets (each scenario's figures and whether it met its
target), then per scenario its tables, an SVG latency-by-percentile plot of every
load run and all its figures as JSON.

    python3 bench/report.py bench/results
"""

import html
import json
import math
import os
import sys


LEGEND_ROW = 16  # px per legend line, under the plot
DASHED = ' stroke-dasharray="6,3"'


class LatencyPlot:
    """An SVG plot of latencies on a log y axis (a grid line per decade) against an
    x axis the caller maps to [0, 1], with the legend under the plot, so no line
    is hidden behind it."""
    pad_l, pad_b, pad_t = 76, 36, 12

    def __init__(self, values_us, legend_rows, width=640, plot_height=260, pad_r=28):
        self.width, self.plot_height, self.pad_r = width, plot_height, pad_r
        values = [v for v in values_us if v and v > 0] or [1]
        self.lo = 10 ** math.floor(math.log10(min(values)))
        self.hi = 10 ** math.ceil(math.log10(max(values)))
        height = plot_height + LEGEND_ROW * legend_rows + 4
        self.out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                    f'font-family="sans-serif" font-size="11">']
        decade = self.lo
        while decade <= self.hi:
            label = f"{decade / 1000:g} ms" if decade >= 1000 else f"{decade:g} µs"
            self.hline(decade, "#ddd")
            self.out.append(f'<text x="{self.pad_l - 4}" y="{self.y(decade) + 4:.1f}" text-anchor="end">{label}</text>')
            decade *= 10

    def x(self, fraction):
        return self.pad_l + (self.width - self.pad_l - self.pad_r) * fraction

    def y(self, us):
        span = math.log10(self.hi) - math.log10(self.lo) or 1
        return self.pad_t + (self.plot_height - self.pad_t - self.pad_b) * (
            1 - (math.log10(us) - math.log10(self.lo)) / span)

    def hline(self, us, color, dash=""):
        yy = self.y(us)
        self.out.append(f'<line x1="{self.pad_l}" x2="{self.width - self.pad_r}" y1="{yy:.1f}" y2="{yy:.1f}" '
                        f'stroke="{color}"{dash}/>')

    def x_tick(self, fraction, label):
        xx = self.x(fraction)
        self.out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{self.pad_t}" y2="{self.plot_height - self.pad_b}" '
                        f'stroke="#eee"/>')
        self.out.append(f'<text x="{xx:.1f}" y="{self.plot_height - self.pad_b + 14}" text-anchor="middle">'
                        f'{html.escape(label)}</text>')

    def line(self, points, color, dash="", markers=False):
        """`points`: (x fraction, latency in µs)."""
        xy = [(self.x(f), self.y(us)) for f, us in points]
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in xy)
        self.out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{path}"/>')
        if markers:
            self.out.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"/>' for a, b in xy)

    def legend(self, row, name, color, dash=""):
        top = self.plot_height + LEGEND_ROW * row + 4
        self.out.append(f'<line x1="{self.pad_l}" x2="{self.pad_l + 24}" y1="{top + 8}" y2="{top + 8}" '
                        f'stroke="{color}" stroke-width="2"{dash}/>')
        self.out.append(f'<text x="{self.pad_l + 30}" y="{top + 12}">{html.escape(name)}</text>')

    def svg(self):
        return "\n".join(self.out + ["</svg>"])


def svg_percentiles(runs):
    """Latency by percentile on a 'nines' x axis (up to 99.99 %), one line per run."""
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f",
              "#bcbd22", "#17becf"]
    points = {name: [(q, us) for q, us in res["latency_us"]["percentiles"] if q < 1.0 and us > 0]
              for name, res in runs}
    plot = LatencyPlot([us for pts in points.values() for _, us in pts], len(points))

    def nines(q):
        return min(-math.log10(1 - q), 4.0) / 4.0

    for q, label in [(0.5, "50%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%"), (0.9999, "99.99%")]:
        plot.x_tick(nines(q), label)
    for i, (name, pts) in enumerate(points.items()):
        # Past the palette, lines repeat its colours dashed.
        color, dash = colors[i % len(colors)], DASHED if i >= len(colors) else ""
        plot.line([(nines(q), us) for q, us in pts], color, dash)
        plot.legend(i, name, color, dash)
    return plot.svg()


def svg_curve(points, target_us=1000):
    """The overhead against the offered load in % of the nominal ceiling (linear
    x), one line per percentile with a marker per measured point, and the target
    as a dashed line."""
    series = [("p50", lambda p: (p.get("overhead_us") or {}).get("p50"), "#1f77b4"),
              ("p99", lambda p: (p.get("overhead_us") or {}).get("p99"), "#d62728"),
              ("p99 at the server", lambda p: (p.get("overhead_at_server_us") or {}).get("p99"), "#ff7f0e"),
              ("p99 in the server", lambda p: (p.get("overhead_in_server_us") or {}).get("p99"), "#9467bd")]
    values = [f(p) for _, f, _ in series for p in points] + [target_us]
    plot = LatencyPlot(values, len(series) + 1, pad_r=64)  # room for the last point's label
    top = max(p["share_of_nominal"] for p in points)
    for p in points:
        plot.x_tick(p["share_of_nominal"] / top, f'{100 * p["share_of_nominal"]:g}% ({p["offered_per_s"]:,}/s)')
    plot.hline(target_us, "#1a7f37", DASHED)
    for row, (name, value, color) in enumerate(series):
        plot.line([(p["share_of_nominal"] / top, value(p)) for p in points if value(p)], color, markers=True)
        plot.legend(row, name, color)
    plot.legend(len(series), "target: p99 <= 1 ms", "#1a7f37", DASHED)
    return plot.svg()


def fmt_ms(us):
    return f"{us / 1000:.2f}"


def routes_table(routes):
    """Count, errors and latency (ms) of every route of a mixed run."""
    rows = ["<table><tr><th>route</th><th>count</th>"
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


def curve_table(points):
    """One row per offered load: orders, the overhead and what the machine spent."""
    rows = ["<table><tr><th>offered</th><th>created/s</th><th>overhead p50 / p90 / p99 ms</th>"
            "<th>at the server p50 / p99 ms</th><th>in the server p50 / p99 ms</th><th>generator late p99 ms</th>"
            "<th>CPU ms per order: rkgate / rk7sim</th><th>statuses</th></tr>"]
    for p in points:
        o, a, i = p.get("overhead_us") or {}, p.get("overhead_at_server_us") or {}, p.get("overhead_in_server_us") or {}
        late, cpu = p.get("generator_late_us") or {}, p.get("cpu_ms_per_order") or {}
        cell = lambda d, *keys: " / ".join(fmt_ms(d[k]) if k in d else "—" for k in keys)  # noqa: E731
        rows.append(f"<tr><td>{100 * p['share_of_nominal']:g} % ({p['offered_per_s']:,}/s)</td>"
                    f"<td>{p['created_per_s']:,}</td><td>{cell(o, 'p50', 'p90', 'p99')}</td>"
                    f"<td>{cell(a, 'p50', 'p99')}</td><td>{cell(i, 'p50', 'p99')}</td><td>{cell(late, 'p99')}</td>"
                    f"<td>{cpu.get('rkgate', '—')} / {cpu.get('rk7sim', '—')}</td>"
                    f"<td>{html.escape(json.dumps(p['statuses']))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def callbacks_section(cb):
    """Callback delivery: counts, lag table and lag-by-percentile plot."""
    parts = ["<h3>Callbacks</h3>",
             f"<p>{cb['deliveries']} deliveries ({cb['creation']} on creation, {cb['duplicates']} repeats); "
             f"{cb['cashier_changes']} cashier status changes on {cb['cashier_orders']} orders; "
             f"final statuses expected {cb['expected_final']}, <b>lost {cb['lost']}</b>, "
             f"coalesced {cb['coalesced']}, unmatched {cb['unmatched']}.</p>",
             "<table><tr><th>lag</th><th>count</th>"
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
    arrival, without the load generator's own waits). Open-loop runs only: in a closed
    loop at capacity the same difference is mostly requests queued at the cash servers."""
    lines = []
    for name, res in runs:
        if res.get("mode") == "closed":
            continue
        for route, r in res.get("routes", {}).items():
            if "overhead_us" in r:
                lines.append((f"{name}: {route}", {"latency_us": r["overhead_us"]}))
            if "overhead_at_server_us" in r:
                lines.append((f"{name}: {route}, at the server", {"latency_us": r["overhead_at_server_us"]}))
            if "overhead_in_server_us" in r:
                lines.append((f"{name}: {route}, in the server", {"latency_us": r["overhead_in_server_us"]}))
    if not lines:
        return ""
    return ("<h3>Overhead (end to end minus the reported upstream time; at the server: from the "
            "request's write to the answer's arrival; in the server: from the server reading the request "
            "to handing over its answer, Server-Timing <code>total</code>)</h3>" + svg_percentiles(lines))


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


def ms(us):
    """Microseconds as milliseconds for a sentence."""
    return f"{fmt_ms(us)} ms"


def best_ping(r):
    """(rkgate req/s, bare req/s) of the pair the ping ratio was taken from."""
    mine, bare = (side.strip() for side in r["ratio_of"].split("/"))
    return r["rkgate"][mine]["rps"], r["bare"][bare]["rps"]


def ping_line(r):
    mine, bare = best_ping(r)
    rounds = r.get("ratio_rounds")
    spread = (f" in the median of {len(rounds)} rounds; the rounds {min(rounds):.1%} to {max(rounds):.1%}"
              if rounds else "")
    return (f"rkgate {mine:,.0f} req/s against the bare RESTinio server's {bare:,.0f} "
            f"({html.escape(r['ratio_of'])}{spread}): {r['ratio']:.1%}")


def getmenu_line(r):
    o = r["open"]
    return (f"{r['menu_items']:,} dishes, open loop at {r['rate']} req/s: gzip p99 {ms(o['gzip']['p99'])}, "
            f"304 p99 {ms(o['not_modified']['p99'])}, plain p99 {ms(o['plain']['p99'])}; "
            f"the bare server's floor p99 {ms(o['bare_server_floor']['p99'])}")


def in_server(figure):
    """", in the server p99 X ms" when the run measured it (Server-Timing total)."""
    return f", in the server p99 {ms(figure['p99'])}" if figure else ""


def postorder_line(r):
    o, at, floor = r["overhead_us"], r["overhead_at_server_us"], r["overhead_floor_us"]
    line = (f"{r['achieved_orders_per_s']:,.0f} of a ceiling of {r['ceiling_orders_per_s']:,.0f} orders/s: "
            f"{r['ratio']:.1%}; overhead after saturation p50 {ms(o['p50'])}, p90 {ms(o['p90'])}, "
            f"p99 {ms(o['p99'])} (at the server p99 {ms(at['p99'])}{in_server(r.get('overhead_in_server_us'))}; "
            f"the machine's floor p99 {ms(floor['p99'])})")
    fresh, fresh_at = r.get("overhead_fresh_us"), r.get("overhead_fresh_at_server_us")
    if fresh:
        line += f"; on a fresh gateway p50 {ms(fresh['p50'])}, p99 {ms(fresh['p99'])}"
        late = (r.get("overhead_fresh_lateness") or {}).get("late_us")
        if fresh_at:
            line += f" (at the server p99 {ms(fresh_at['p99'])}{in_server(r.get('overhead_fresh_in_server_us'))}"
            line += f"; the generator's own lateness p99 {ms(late['p99'])})" if late else ")"
    return line


def curve_line(r):
    """The overhead's p99 at each offered load."""
    return "overhead p99 " + ", ".join(
        f"{ms(p['overhead_us']['p99'])} at {100 * p['share_of_nominal']:g} %" for p in r["points"]) + (
        f" of the nominal ceiling ({r['nominal_ceiling_per_s']:,.0f} orders/s), each on a fresh gateway")


def freshness_line(r):
    d = r["delays_s"]
    return f"stop list to dish gone from getmenu: {min(d)}-{max(d)} s over {len(d)} rounds"


def mixed_line(r):
    errors = sum(route["errors"] for route in r["routes"].values())
    cb = r["callbacks"]
    return (f"{len(r['routes'])} routes, {errors} errors; callbacks: {cb['deliveries']} delivered, "
            f"{cb['lost']} lost, {cb['duplicates']} repeated")


def memory_line(r):
    seeded = r["seeded"]
    return (f"{r['orders']:,} stored orders: ping after {seeded['ping_s']} s, a correct getorders after "
            f"{seeded['getorders_s']} s, the console's list after {seeded['console_s']} s; "
            f"{r['rss_per_stored_order_bytes']} bytes of RSS per stored order")


HEADLINES = {"ping": ping_line, "getmenu": getmenu_line, "postorder": postorder_line, "curve": curve_line,
             "freshness": freshness_line, "mixed": mixed_line, "memory": memory_line}


def headline(name, r):
    """The figures a scenario's target is judged on, in one sentence ("" when
    the results lack them, e.g. a scenario that failed half way)."""
    line = HEADLINES.get(name)
    try:
        return line(r) if line else ""
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""


def verdict_html(r):
    """Met / missed (per check where a scenario has several) / report only."""
    checks = r.get("checks")
    if isinstance(checks, dict) and checks:
        return "<br>".join(f"{html.escape(what)}: {badge(ok)}" for what, ok in checks.items())
    return badge(r.get("met"))


def badge(met):
    if met is None:
        return "<span class='report'>report</span>"
    return "<span class='met'>met</span>" if met else "<span class='missed'>missed</span>"


def machine_html(m):
    """The machine the run was measured on, as a table."""
    rows = [("cores", m.get("cores")), ("when", m.get("when")), ("stores in", m.get("store_dir"))]
    kd = m.get("kdamond")
    if kd is not None:
        rows.append(("the kernel's memory monitor (kdamond)",
                     "; ".join(", ".join(f"{k} {v}" for k, v in k.items()) for k in kd) or "off"))
    if m.get("gateway_nice") is not None:
        rows.append(("rkgate started under nice", m["gateway_nice"]))
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows if v is not None)
    return f"<table>{body}</table>"


def targets_table(summary):
    """One row per scenario: its figures, its target and whether it met it."""
    rows = ["<table><tr><th>scenario</th><th>figures</th><th>target</th><th>verdict</th></tr>"]
    for name, r in summary.items():
        if name == "machine":
            continue
        rows.append(f"<tr><td><a href='#{html.escape(name)}'>{html.escape(name)}</a></td>"
                    f"<td>{headline(name, r)}</td><td>{html.escape(str(r.get('target') or '—'))}</td>"
                    f"<td>{verdict_html(r)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


STYLE = ("<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:0.5em 0}th,td{border:1px solid #ccc;padding:4px 8px;"
         "text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:8px;overflow:auto}"
         ".met{color:#1a7f37;font-weight:bold}.missed{color:#cf222e;font-weight:bold}.report{color:#666}"
         "</style>")


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
    parts = ["<!doctype html><meta charset='utf-8'><title>rkgate benchmarks</title>", STYLE,
             "<h1>rkgate benchmarks</h1>",
             "<p>Every figure comes from <code>python3 bench/run.py</code> on the machine below; "
             "ratios are taken within this run (docs/performance.md).</p>",
             machine_html(summary.get("machine", {})),
             "<h2>Targets</h2>", targets_table(summary)]
    for name, res in summary.items():
        if name == "machine":
            continue
        parts.append(f"<h2 id='{html.escape(name)}'>{html.escape(name)} — {badge(res.get('met'))}</h2>")
        line = headline(name, res)
        if line:
            parts.append(f"<p>{line}</p>")
        if isinstance(res.get("checks"), dict):
            parts.append(f"<p>{verdict_html(res)}</p>")
        if isinstance(res.get("routes"), dict) and all("latency_us" in r for r in res["routes"].values()):
            parts.append(routes_table(res["routes"]))
        mine = [(k, v) for k, v in runs.items() if k.startswith(name + "-") or k == name]
        if mine:
            parts.append("<h3>Latency by percentile</h3>")
            parts.append(svg_percentiles(by_route(mine)))
            parts.append(overhead_section(mine))
        if isinstance(res.get("points"), list) and res["points"]:
            parts.append("<h3>Overhead against the offered load</h3>")
            parts.append(curve_table(res["points"]))
            parts.append(svg_curve(res["points"]))
        if isinstance(res.get("callbacks"), dict) and "definition" in res["callbacks"]:
            parts.append(callbacks_section(res["callbacks"]))
        parts.append(f"<details><summary>All figures of {html.escape(name)} (JSON)</summary>"
                     f"<pre>{html.escape(json.dumps(res, indent=2))}</pre></details>")
    with open(os.path.join(d, "report.html"), "w") as f:
        f.write("\n".join(parts))
    print(os.path.join(d, "report.html"))


if __name__ == "__main__":
    main()
