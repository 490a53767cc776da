#!/usr/bin/env python3
"""Two builds (or two settings) compared on postorder's overhead phase, in
alternating runs: the way every A/B in docs/performance-log.md is measured.

    python3 bench/alternate.py --a DIR --b DIR [--pairs 3] [--fresh]
                               [--a-env KEY=VALUE ...] [--b-env KEY=VALUE ...] [--out DIR]

DIR is a build directory, or any directory with the binaries in app/ and bench/
as a build lays them out (copies aside, so the tree can be rebuilt meanwhile).
The same DIR twice with different --a-env/--b-env compares settings that reach
scripts/sim-config.sh (SIM_STATUS_POLL, SIM_UNLOAD_AFTER, SIM_THREADS, ...), the
gateway's priority (BENCH_GATEWAY_NICE, see bench/run.py) or its allocator
(MALLOC_CONF).

Each run is postorder's overhead phase as bench/overhead_split.py runs it (100
restaurants at 20 ms per XML call, 10 sources, store on tmpfs, the saturation
phase first unless --fresh, then 15 s open loop at 218 orders/s), without a
trace. Pairs alternate their order (A B, B A, A B, ...), so neither build
always runs on the warmer machine. Prints one row per run: the saturation
phase's orders/s, rkgate's RSS after it, the overhead and its part at the
server and inside the server's process (p50 / p90 / p99, ms; see
bench/run.py's postorder), and the loop threads' context switches over 10 s
of the phase (voluntary: went to sleep; involuntary: preempted). All rows go
to <out>/alternate.json as well.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402

RESTAURANTS, SOURCES = 100, 10


def settings(pairs):
    """KEY=VALUE strings as a dict."""
    out = {}
    for kv in pairs or []:
        key, sep, value = kv.partition("=")
        if not sep:
            raise SystemExit(f"not KEY=VALUE: {kv}")
        out[key] = value
    return out


def one_run(build, env, fresh, out):
    """One overhead phase with `env` set while the processes start; its row."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    b = bench.Bench(build, out, store_dir="/dev/shm")
    try:
        gw = bench.standalone_overhead_gateway(b, RESTAURANTS, SOURCES, saturate=not fresh)
        saturated = None
        if not fresh:
            with open(os.path.join(out, "saturate.json")) as f:
                saturated = json.load(f)["throughput"]
        rss_mib = gw.rss_kib() / 1024
        window = bench.CpuWindow({"rkgate": gw}, start_after=2, length=10, threads_of=gw)
        low = b.load("overhead", gw.port, bench.standalone_overhead_load(RESTAURANTS, SOURCES))
        threads = window.threads_per_unit(1)  # counts over the window, not per order
    finally:
        b.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    route = low["routes"]["postorder"]
    loops = [t for name, t in threads.items() if name.startswith("rkgate.loop")]
    ms = lambda h: [round(h[k] / 1000, 2) for k in ("p50", "p90", "p99")]
    return {"saturation_orders_per_s": saturated, "rkgate_rss_mib": round(rss_mib),
            "overhead_ms": ms(route["overhead_us"]), "at_server_ms": ms(route["overhead_at_server_us"]),
            # A build before Server-Timing's `total` has no figure inside the server.
            "in_server_ms": ms(route["overhead_in_server_us"]) if "overhead_in_server_us" in route else None,
            "loop_switches_10s": {"voluntary": round(sum(t["wakeups"] for t in loops)),
                                  "involuntary": round(sum(t["preempted"] for t in loops))}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="build directory of A")
    ap.add_argument("--b", required=True, help="build directory of B")
    ap.add_argument("--a-env", action="append", metavar="KEY=VALUE", help="environment for A's processes")
    ap.add_argument("--b-env", action="append", metavar="KEY=VALUE", help="environment for B's processes")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--fresh", action="store_true", help="no saturation phase before the overhead phase")
    ap.add_argument("--out", default="/tmp/rkgate-alternate")
    args = ap.parse_args()
    variants = {"A": (os.path.abspath(args.a), settings(args.a_env)),
                "B": (os.path.abspath(args.b), settings(args.b_env))}
    rows = []
    print("| pair | build | saturation orders/s | rkgate RSS MiB | overhead p50 / p90 / p99 ms "
          "| at the server p50 / p90 / p99 ms | in the server p50 / p90 / p99 ms "
          "| loop switches in 10 s: voluntary / involuntary |")
    print("|---|---|---|---|---|---|---|---|")
    for pair in range(1, args.pairs + 1):
        for name in ("A", "B") if pair % 2 else ("B", "A"):
            build, env = variants[name]
            row = one_run(build, env, args.fresh, os.path.join(args.out, f"{pair}-{name}"))
            rows.append({"pair": pair, "build": name, **row})
            sw = row["loop_switches_10s"]
            print(f"| {pair} | {name} | {row['saturation_orders_per_s'] or '-'} | {row['rkgate_rss_mib']} "
                  f"| {' / '.join(map(str, row['overhead_ms']))} | {' / '.join(map(str, row['at_server_ms']))} "
                  f"| {' / '.join(map(str, row['in_server_ms'] or ['-']))} "
                  f"| {sw['voluntary']:,} / {sw['involuntary']:,} |", flush=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "alternate.json"), "w") as f:
        json.dump({"a": variants["A"][0], "a_env": variants["A"][1], "b": variants["B"][0],
                   "b_env": variants["B"][1], "fresh": args.fresh, "runs": rows}, f, indent=2)


if __name__ == "__main__":
    main()
