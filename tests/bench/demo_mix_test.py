#!/usr/bin/env python3
"""bench/scenarios/demo-mix.json, the example mix docs/performance.md gives load
testers, against rkgate and rk7sim configured as `scripts/demo.sh` runs them:
every route answers 2xx, and a second run of the same file creates new orders
(201) rather than repeating the first run's ({run} in the external_id).

    demo_mix_test.py BUILD_DIR"""

import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import run as bench  # noqa: E402

SCENARIO = os.path.join(HERE, "..", "..", "bench", "scenarios", "demo-mix.json")
BUILD = None


class DemoMixTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="rkgate-demo-mix-")
        self.b = bench.Bench(BUILD, self.out)

    def tearDown(self):
        self.b.close()
        shutil.rmtree(self.out, ignore_errors=True)

    def test_every_route_answers_and_a_rerun_creates_orders(self):
        sim = self.b.sim(restaurants=1)
        gw = self.b.gateway(sim.port, restaurants=1)
        with open(SCENARIO) as f:
            scenario = json.load(f)
        names = {r["name"] for r in scenario["requests"]}
        self.assertEqual(names, {"getmenu", "validate", "postorder", "getorders"})
        runs = [self.b.load(f"mix-{i}", gw.port, scenario, duration=2, warmup=0.5, rate=100) for i in (1, 2)]
        self.assertNotEqual(runs[0]["run_id"], runs[1]["run_id"])
        for result in runs:
            routes = result["routes"]
            self.assertEqual(set(routes), names, "every route of the mix was drawn")
            for name, route in routes.items():
                self.assertEqual(route["failures"], 0, name)
                bad = {code: n for code, n in route["statuses"].items() if not code.startswith("2")}
                self.assertEqual(bad, {}, f"{name}: {route['statuses']}")
            # New orders each run: 201, never the stored answer of a repeat (200).
            self.assertEqual(list(routes["postorder"]["statuses"]), ["201"])


if __name__ == "__main__":
    BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build")
    unittest.main()
