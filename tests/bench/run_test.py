#!/usr/bin/env python3
"""bench/run.py's verdicts that need no processes: the ping ratio is taken
between loads of the same round and judged on the median round."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import run  # noqa: E402


class PingRoundsTest(unittest.TestCase):
    def test_each_round_compares_its_own_fastest_servers(self):
        rps = {"bare-1t": [100, 50, 80], "bare-2t": [90, 60, 70],
               "rkgate-1t": [95, 30, 60], "rkgate-2t": [80, 54, 76]}
        per_round, median = run.ping_rounds(rps)
        self.assertEqual([round(r, 3) for r in per_round], [0.95, 0.9, 0.95])
        self.assertEqual(run.ping_fastest(rps, "bare", 1), "bare-2t")
        self.assertEqual(run.ping_fastest(rps, "rkgate", 2), "rkgate-2t")
        self.assertAlmostEqual(per_round[median], 0.95)

    def test_one_slow_round_does_not_decide(self):
        # The machine slows from round to round (100, 60, 80 for the bare server); in
        # round 1 rkgate's slice alone met a slow moment as well.
        rps = {"bare-1t": [100, 60, 80], "rkgate-1t": [90, 30, 72]}
        per_round, median = run.ping_rounds(rps)
        self.assertEqual([round(r, 3) for r in per_round], [0.9, 0.5, 0.9])
        self.assertAlmostEqual(per_round[median], 0.9)

if __name__ == "__main__":
    unittest.main()
