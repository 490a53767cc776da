#!/usr/bin/env python3
"""bench/run.py's verdicts that need no processes: the ping ratio is taken
between loads of the same round and judged on the median round; a samples
file's overhead splits into the generator's waits, the way in and out and
the part in the server."""

import os
import sys
import tempfile
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

class LatenessTest(unittest.TestCase):
    HEADER = "route\tintended_ms\tlatency_us\toverhead_us\tlate_us\tread_lag_us\tin_server_us\n"

    def split(self, rows):
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
            f.write(self.HEADER + "".join("\t".join(map(str, r)) + "\n" for r in rows))
        try:
            return run.lateness(f.name)
        finally:
            os.unlink(f.name)

    def test_the_way_in_and_out_is_what_the_server_and_the_generator_leave(self):
        # overhead 1000 = late 100 + read lag 200 + in the server 500 + the way in and out 200
        out = self.split([["postorder", 1.0, 41000, 1000, 100, 200, 500]])
        self.assertEqual(out["late_us"]["p99"], 100)
        self.assertEqual(out["read_lag_us"]["p99"], 200)
        self.assertEqual(out["overhead_from_write_us"]["p99"], 900)
        self.assertEqual(out["way_in_out_us"]["p99"], 200)

    def test_unreported_parts_stay_out(self):
        # No upstream time (-1 overhead), no kernel stamp (-1 read lag), no total (-1).
        out = self.split([["ping", 1.0, 300, -1, 10, 20, -1],
                          ["postorder", 2.0, 41000, 800, 50, -1, 400],
                          ["postorder", 3.0, 41000, 900, 60, 30, -1]])
        self.assertEqual(out["late_us"]["max"], 60)
        self.assertEqual(out["read_lag_us"]["max"], 30)
        self.assertEqual(out["overhead_from_write_us"]["max"], 840)
        self.assertIsNone(out["way_in_out_us"])


if __name__ == "__main__":
    unittest.main()
