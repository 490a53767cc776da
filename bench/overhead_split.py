#!/usr/bin/env python3
"""postorder's overhead phase alone, with a system-wide perf trace, its tail
split by the bursts of one thread of the machine (bench/tail_windows.py).

    python3 bench/overhead_split.py [--build build] [--fresh] [--out DIR]

As bench/run.py's postorder (100 restaurants at 20 ms per XML call, 10 sources,
store on tmpfs), the saturation phase first unless `--fresh`, then 15 s open
loop at 218 orders/s traced with `perf record -a`. Prints rkgate's RSS before
and after, the overhead's percentiles and the split. The environment reaches
scripts/sim-config.sh (SIM_UNLOAD_AFTER, SIM_STATUS_POLL, ...), so one setting
can be compared with another in alternating runs. Needs perf (linux-perf).
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--out", default="/tmp/rkgate-overhead-split")
    ap.add_argument("--fresh", action="store_true", help="no saturation phase before")
    args = ap.parse_args()
    restaurants, sources = 100, 10
    b = bench.Bench(args.build, args.out, store_dir="/dev/shm")
    try:
        gw = bench.standalone_overhead_gateway(b, restaurants, sources, saturate=not args.fresh)
        print(f"rkgate RSS before the phase: {gw.rss_kib() / 1024:.0f} MiB")
        perf_data = os.path.join(args.out, "perf.data")
        bench.traced_overhead_phase(b, gw, restaurants, sources,
                                    ["-a", "-k", "CLOCK_MONOTONIC", "-F", "1000", "-o", perf_data], 14)
        print(f"rkgate RSS after the phase: {gw.rss_kib() / 1024:.0f} MiB")
    finally:
        b.close()
    perf_text = bench.perf_script(perf_data, os.path.join(args.out, "perf.txt"), "comm,tid,cpu,time")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tail_windows.py"),
                    perf_text, os.path.join(args.out, "overhead.samples.tsv")], check=True)


if __name__ == "__main__":
    main()
