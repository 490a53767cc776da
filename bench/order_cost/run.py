#!/usr/bin/env python3
"""What an order costs rkgate in instructions, counted by callgrind: a figure
that does not move with this shared machine's speed, so one change can be
weighed against another in single runs.

    python3 bench/order_cost/run.py [--build build] [--orders 200] [--top 40] [--out DIR]

rk7sim (10 restaurants at 1 ms per XML call) and rkgate under
`valgrind --tool=callgrind`, store on tmpfs. After the menus and a warm-up of
orders, callgrind's counters are zeroed and two windows of the same length are
counted: one with `--orders` postorders at a fixed rate, and one idle (the
gateway's own upkeep: status polls, menu refreshes). Prints instructions per
order, (orders window − idle window) / orders, and rkgate's own functions with
the most inclusive instructions in the orders window (callgrind_annotate), and keeps
both dumps in DIR. Needs valgrind (`apt-get install valgrind`).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run as bench  # noqa: E402

RESTAURANTS, SOURCES = 10, 2
RATE = 10  # orders/s: rkgate runs about 50 times slower under callgrind


def order_load(count, phase):
    return {"connections": 8, "rate": RATE, "duration_s": count / RATE, "warmup_s": 0,
            "requests": [bench.order_request(RESTAURANTS, SOURCES, phase)]}


def dump(pid, out, name):
    """Writes callgrind's counters since the last zero to out/<name> and zeroes them."""
    before = set(glob.glob(os.path.join(out, "callgrind.out.*")))
    subprocess.run(["callgrind_control", "--dump=" + name, str(pid)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["callgrind_control", "--zero", str(pid)], check=True, stdout=subprocess.DEVNULL)
    made = sorted(set(glob.glob(os.path.join(out, "callgrind.out.*"))) - before)
    if not made:
        raise RuntimeError("callgrind wrote no dump")
    path = os.path.join(out, name + ".callgrind")
    # One file per thread (--separate-threads=no keeps it to one; merge if not).
    os.replace(made[-1], path)
    for extra in made[:-1]:
        os.remove(extra)
    return path


def total_ir(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--orders", type=int, default=200)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--out", default="/tmp/rkgate-order-cost")
    args = ap.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        sys.exit("order_cost needs valgrind: apt-get install valgrind")
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "callgrind.out.*")):
        os.remove(old)
    b = bench.Bench(args.build, args.out, store_dir="/dev/shm")
    wrapper = ["valgrind", "--tool=callgrind", "--separate-threads=no",
               "--callgrind-out-file=" + os.path.join(args.out, "callgrind.out.%p")]
    try:
        sim = b.sim(restaurants=RESTAURANTS, latency=1)
        gw = b.gateway(sim.port, restaurants=RESTAURANTS, sources=SOURCES, wrapper=wrapper, timeout=300)
        bench.warm_menus(gw.port, RESTAURANTS)
        b.load("warmup", gw.port, order_load(50, "warmup"))
        subprocess.run(["callgrind_control", "--zero", str(gw.p.pid)], check=True, stdout=subprocess.DEVNULL)
        started = time.monotonic()
        result = b.load("orders", gw.port, order_load(args.orders, "orders"))
        # Replies still on their way count in this window too.
        time.sleep(0.5)
        window = time.monotonic() - started
        orders_dump = dump(gw.p.pid, args.out, "orders")
        time.sleep(window)
        idle_dump = dump(gw.p.pid, args.out, "idle")
    finally:
        b.close()
    statuses = result["routes"]["postorder"]["statuses"]
    created = statuses.get("201", 0)
    if created != sum(statuses.values()):
        raise RuntimeError(f"not every order was created: {statuses}")
    busy, idle = total_ir(orders_dump), total_ir(idle_dump)
    print(f"orders: {created} in {window:.1f} s; instructions: window {busy:,}, idle {idle:,}")
    print(f"instructions per order: {(busy - idle) / created:,.0f}")
    annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", orders_dump],
                              check=True, stdout=subprocess.PIPE, text=True).stdout
    # rkgate's own functions: the frames above them (threads, the loop, CAF's
    # mailbox) include everything and say nothing.
    shown = set()
    print(f"rkgate's top {args.top} functions by inclusive instructions in the orders window, per order:")
    for line in annotate.splitlines():
        if not re.match(r"^\s*[\d,]+ \(", line):
            continue
        name = line.split(")", 1)[1].strip().split(":", 1)[-1]  # without the file
        function = name.split("(", 1)[0]  # one row per function, not per inlined part
        if not function.startswith(("rkgate::", "rk7::")) or function in shown:
            continue
        shown.add(function)
        print(f"{int(line.split()[0].replace(',', '')) / created:>12,.0f}  {name[:150]}")
        if len(shown) == args.top:
            break


if __name__ == "__main__":
    main()
