#!/usr/bin/env python3
"""Where an order's time in the gateway goes: postorder's overhead phase run
against an rkgate built with time stamps along the order's path.

    python3 bench/order_timeline/run.py [--fresh] [--out DIR] [--keep]

Builds a stamped rkgate in a scratch checkout of HEAD (a git worktree with
order_timeline.patch applied; the project's own tree and build are not
touched), then runs as bench/overhead_split.py does: 100 restaurants at 20 ms
per XML call, 10 sources, store on tmpfs, the saturation phase first unless
`--fresh`, then 15 s open loop at 218 orders/s. Each created order writes one
line of stamps (CLOCK_MONOTONIC ns; the columns: STAMPS in analyse.py), which lines
them up with the generator's own samples and prints the percentiles of every
step. The stamps cost a few clock reads and one buffered line per order.
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run as bench  # noqa: E402

TARGETS = ["rkgate", "rk7sim", "rkgate-bench"]


def build_stamped(work):
    """A worktree of HEAD with the patch applied, built into work/build."""
    src = os.path.join(work, "src")
    if os.path.exists(src):
        subprocess.run(["git", "-C", bench.ROOT, "worktree", "remove", "--force", src], check=False)
    subprocess.run(["git", "-C", bench.ROOT, "worktree", "add", "--detach", src, "HEAD"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["git", "-C", src, "apply", os.path.join(HERE, "order_timeline.patch")], check=True)
    env = dict(os.environ, RKGATE_BUILD_DIR=os.path.join(work, "build"), RKGATE_TARGETS=" ".join(TARGETS))
    subprocess.run(["bash", os.path.join(src, "scripts", "build.sh")], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return src


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/rkgate-order-timeline")
    ap.add_argument("--fresh", action="store_true", help="no saturation phase before")
    ap.add_argument("--keep", action="store_true", help="keep the scratch worktree and build")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(args.out, "stamped")
    src = build_stamped(work)
    stamps = os.path.join(args.out, "stamps.tsv")
    os.environ["XTRACE"] = stamps  # read by the stamped rkgate
    restaurants, sources = 100, 10
    b = bench.Bench(os.path.join(work, "build"), args.out, store_dir="/dev/shm")
    try:
        gw = bench.standalone_overhead_gateway(b, restaurants, sources, saturate=not args.fresh)
        open(stamps, "w").close()  # only the phase's orders (analyse.py matches them to samples)
        low = b.load("overhead", gw.port, bench.standalone_overhead_load(restaurants, sources), samples=True)
    finally:
        b.close()
        if not args.keep:
            subprocess.run(["git", "-C", bench.ROOT, "worktree", "remove", "--force", src], check=False)
            shutil.rmtree(work, ignore_errors=True)
    bench.print_overhead(low)
    subprocess.run([sys.executable, os.path.join(HERE, "analyse.py"), stamps,
                    os.path.join(args.out, "overhead.samples.tsv")], check=True)


if __name__ == "__main__":
    main()
