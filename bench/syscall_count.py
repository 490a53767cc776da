#!/usr/bin/env python3
"""The gateway's system calls and context switches per order, by call.

    python3 bench/syscall_count.py [--build build] [--saturate] [--seconds 10]

As bench/run.py's postorder (100 restaurants at 20 ms per XML call, 10
sources, store on tmpfs) on a fresh gateway: the overhead phase's open loop at
218 orders/s, or with `--saturate` the saturation phase's closed loop, counted
with `perf stat -p <rkgate>` over its first `--seconds`. Prints each counter
in all and per order. Needs perf (linux-perf).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402

CALLS = ("epoll_wait", "epoll_ctl", "futex", "read", "write", "sendmsg", "recvfrom", "fdatasync",
         "timerfd_settime", "sched_yield", "clock_nanosleep", "pread64", "madvise")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--saturate", action="store_true", help="count the closed loop at capacity")
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    restaurants, sources = 100, 10
    out = tempfile.mkdtemp(prefix="rkgate-syscalls-")
    counts = os.path.join(out, "perf-stat.csv")
    events = ["raw_syscalls:sys_enter", "sched:sched_switch"] + [f"syscalls:sys_enter_{c}" for c in CALLS]
    b = bench.Bench(args.build, out, store_dir="/dev/shm")
    try:
        gw = bench.standalone_overhead_gateway(b, restaurants, sources, saturate=False)
        perf = subprocess.Popen(["perf", "stat", "-x", ",", "-e", ",".join(events), "-p", str(gw.p.pid),
                                 "-o", counts, "--", "sleep", str(args.seconds)])
        if args.saturate:
            load = dict(bench.saturation_load(restaurants, sources), warmup_s=0, duration_s=args.seconds + 2)
            result = b.load("saturate", gw.port, load)
        else:
            load = dict(bench.standalone_overhead_load(restaurants, sources), duration_s=args.seconds + 2)
            result = b.load("overhead", gw.port, load)
        perf.wait()
    finally:
        b.close()
    orders = result["throughput"] * args.seconds
    print(f"{result['throughput']:.0f} orders/s; counted over {args.seconds} s")
    with open(counts) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) > 2 and fields[0].replace(".", "").isdigit():
                value, name = float(fields[0]), fields[2]
                print(f"{name:34s} {value:10.0f} {value / orders:8.2f} per order")
    shutil.rmtree(out, ignore_errors=True)  # the figures are printed; the logs go with the run


if __name__ == "__main__":
    main()
