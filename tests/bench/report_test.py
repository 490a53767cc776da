#!/usr/bin/env python3
"""bench/report.py on made-up results: the targets table judges each scenario
(postorder's two targets apart), every plot is well-formed SVG, and a scenario
whose results lack figures still gets its section."""

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "report.py")


def latency(p50, p99):
    """A load result's latency block as rkgate-bench writes it (microseconds)."""
    return {"p50": p50, "p90": (p50 + p99) / 2, "p99": p99, "max": p99 * 2,
            "percentiles": [[0.5, p50], [0.9, (p50 + p99) / 2], [0.99, p99], [0.999, p99 * 2]]}


def postorder(overhead_p99_us, fresh_p99_us=950.0):
    return {"achieved_orders_per_s": 2208.0, "ceiling_orders_per_s": 2303.0, "ratio": 0.959,
            "overhead_fresh_us": {"p50": 500.0, "p90": 700.0, "p99": fresh_p99_us},
            "overhead_fresh_at_server_us": {"p50": 400.0, "p99": 800.0},
            "overhead_fresh_in_server_us": {"p50": 300.0, "p99": 600.0},
            "overhead_fresh_lateness": {"late_us": {"p50": 8.0, "p99": 150.0}},
            "overhead_us": {"p50": 560.0, "p90": 800.0, "p99": overhead_p99_us},
            "overhead_at_server_us": {"p50": 450.0, "p99": 1260.0},
            "overhead_floor_us": {"p50": 140.0, "p99": 320.0},
            "target": "ratio >= 0.95, overhead p99 <= 1 ms (on a fresh gateway and right after saturation)",
            "checks": {"ratio >= 0.95": True,
                       "overhead p99 <= 1 ms on a fresh gateway": fresh_p99_us <= 1000,
                       "overhead p99 <= 1 ms after saturation": overhead_p99_us <= 1000},
            "met": overhead_p99_us <= 1000 and fresh_p99_us <= 1000}


def render(summary, loads):
    """report.html's text for `summary` and the load results `loads` (name -> result)."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "summary.json"), "w") as f:
            json.dump(summary, f)
        for name, res in loads.items():
            with open(os.path.join(d, name + ".json"), "w") as f:
                json.dump(res, f)
        subprocess.run([sys.executable, REPORT, d], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "report.html")) as f:
            return f.read()


def target_row(page, scenario):
    """The targets table's row of `scenario`."""
    m = re.search(r"<tr><td><a href='#%s'>.*?</tr>" % re.escape(scenario), page, re.S)
    assert m, f"no targets row for {scenario}"
    return m.group(0)


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.loads = {"postorder-overhead": {"latency_us": latency(41_000, 43_000), "routes": {"postorder": {
            "latency_us": latency(41_000, 43_000), "overhead_us": latency(560, 1870),
            "overhead_at_server_us": latency(450, 1260)}}}}

    def test_each_target_is_judged_apart(self):
        page = render({"machine": {"cores": 2, "kdamond": None},
                       "freshness": {"delays_s": [0.7, 3.0], "target": "<= 5 s", "met": True},
                       "postorder": postorder(1870.0)}, self.loads)
        row = target_row(page, "postorder")
        self.assertIn("2,208 of a ceiling of 2,303 orders/s", row)
        self.assertIn("p99 1.87 ms", row)
        self.assertIn("on a fresh gateway p50 0.50 ms, p99 0.95 ms (at the server p99 0.80 ms, "
                      "in the server p99 0.60 ms; the generator's own lateness p99 0.15 ms)", row)
        # Results from before Server-Timing's `total` have no figure in the server.
        self.assertIn("(at the server p99 1.26 ms; the machine's floor", row)
        self.assertRegex(row, r"ratio &gt;= 0.95: <span class='met'>met</span>")
        self.assertRegex(row, r"overhead p99 &lt;= 1 ms on a fresh gateway: <span class='met'>met</span>")
        self.assertRegex(row, r"overhead p99 &lt;= 1 ms after saturation: <span class='missed'>missed</span>")
        self.assertIn("<span class='met'>met</span>", target_row(page, "freshness"))

    def test_a_met_overhead_reads_met(self):
        row = target_row(render({"postorder": postorder(900.0)}, self.loads), "postorder")
        self.assertNotIn("missed", row)

    def test_plots_are_well_formed_svg(self):
        page = render({"postorder": postorder(1870.0)}, self.loads)
        plots = re.findall(r"<svg.*?</svg>", page, re.S)
        self.assertEqual(len(plots), 2)  # latency, overhead
        for svg in plots:
            root = ET.fromstring(svg)
            self.assertTrue(root.findall(".//{http://www.w3.org/2000/svg}polyline"))

    def test_closed_loop_runs_stay_out_of_the_overhead_plot(self):
        saturate = copy.deepcopy(self.loads["postorder-overhead"])
        saturate["mode"] = "closed"
        self.loads["postorder-saturate"] = saturate
        page = render({"postorder": postorder(1870.0)}, self.loads)
        overhead_plot = re.findall(r"<svg.*?</svg>", page, re.S)[-1]
        self.assertIn("postorder-overhead: postorder", overhead_plot)
        self.assertNotIn("postorder-saturate", overhead_plot)

    def test_the_ping_row_names_its_rounds(self):
        ping = {"bare": {"bare-1t": {"rps": 64309.0}}, "rkgate": {"rkgate-2t": {"rps": 58915.5}},
                "ratio_rounds": [0.848, 0.916, 1.092], "ratio": 0.916, "ratio_of": "rkgate-2t / bare-1t",
                "target": ">= 0.80", "met": True}
        row = target_row(render({"ping": ping}, {}), "ping")
        self.assertIn("rkgate 58,916 req/s against the bare RESTinio server's 64,309", row)
        self.assertIn("in the median of 3 rounds; the rounds 84.8% to 109.2%): 91.6%", row)

    def test_the_curve_plots_the_overhead_against_the_load(self):
        def point(share, p50, p99):
            return {"share_of_nominal": share, "offered_per_s": round(2500 * share), "created_per_s": 2500 * share,
                    "statuses": {"201": 100}, "failures": 0, "overhead_us": {"p50": p50, "p90": p99, "p99": p99},
                    "overhead_at_server_us": {"p50": p50, "p99": p99 * 0.8},
                    "overhead_in_server_us": {"p50": p50 / 2, "p99": p99 / 2}, "generator_late_us": {"p99": 300.0},
                    "cpu_ms_per_order": {"rkgate": 1.2, "rk7sim": 0.3}}
        curve = {"nominal_ceiling_per_s": 2500.0, "points": [point(0.1, 600, 1200), point(0.5, 1000, 7100)]}
        page = render({"curve": curve}, {})
        row = target_row(page, "curve")
        self.assertIn("overhead p99 1.20 ms at 10 %, 7.10 ms at 50 % of the nominal ceiling (2,500 orders/s)", row)
        self.assertIn("<span class='report'>report</span>", row)
        self.assertIn("<td>50 % (1,250/s)</td><td>1,250.0</td><td>1.00 / 7.10 / 7.10</td><td>1.00 / 5.68</td><td>0.50 / 3.55</td>", page)
        svg = ET.fromstring(re.findall(r"<svg.*?</svg>", page, re.S)[-1])
        ns = "{http://www.w3.org/2000/svg}"
        # p50, p99, p99 at the server and in it, a marker on each point of each.
        self.assertEqual(len(svg.findall(f".//{ns}polyline")), 4)
        self.assertEqual(len(svg.findall(f".//{ns}circle")), 8)
        self.assertIn("target: p99 <= 1 ms", "".join(svg.itertext()))

    def test_missing_figures_leave_the_section(self):
        page = render({"postorder": {"target": "ratio >= 0.95, overhead p99 <= 1 ms", "met": False}}, {})
        self.assertIn("<h2 id='postorder'>", page)
        self.assertIn("<span class='missed'>missed</span>", target_row(page, "postorder"))


if __name__ == "__main__":
    unittest.main()
