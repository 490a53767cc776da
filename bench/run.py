#!/usr/bin/env python3
"""Runs rkgate's benchmark scenarios end to end and writes results + report.

Each scenario starts its own rk7sim and rkgate (and, for the ping ceiling, the
bare RESTinio server) on loopback, drives them with rkgate-bench, and records
ratios measured within the same run, since these machines are shared and noisy.

    python3 bench/run.py [--build build] [--out bench/results] [SCENARIO ...]

Scenarios: ping, getmenu, postorder, mixed, freshness, startup (default: all).
Results: <out>/<scenario>.json, <out>/summary.json and <out>/report.html.
"""

import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Proc:
    """A child that prints `READY <port>` on stdout once it serves."""

    def __init__(self, argv, log_path, timeout=60, env=None):
        self.argv = argv
        self.log = open(log_path, "w")
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env,
                                  text=True, bufsize=1)
        self.port = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.p.stdout], [], [], 0.5)
            if ready:
                line = self.p.stdout.readline()
                if line.startswith("READY "):
                    self.port = int(line.split()[1])
                    return
                if not line and self.p.poll() is not None:
                    break
            elif self.p.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"{argv[0]} did not become ready; see {log_path}")

    def rss_kib(self):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


class Bench:
    def __init__(self, build, out):
        self.build = os.path.abspath(build)
        self.out = os.path.abspath(out)
        self.tmp = tempfile.mkdtemp(prefix="rkgate-bench-")
        os.makedirs(self.out, exist_ok=True)
        self.procs = []

    def binary(self, name):
        for sub in ("app", "bench"):
            path = os.path.join(self.build, sub, name)
            if os.path.exists(path):
                return path
        raise RuntimeError(f"{name} is not built in {self.build}")

    def start(self, name, argv, **kw):
        p = Proc(argv, os.path.join(self.out, f"{name}.log"), **kw)
        self.procs.append(p)
        return p

    def stop_all(self):
        for p in reversed(self.procs):
            p.stop()
        self.procs = []

    def sim(self, restaurants=1, dishes=None, latency=None, cashier=None, name="rk7sim"):
        argv = [self.binary("rk7sim"), "--listen", "127.0.0.1:0", "--user", "http",
                "--password", "http", "--restaurants", str(restaurants)]
        if dishes:
            argv += ["--dishes", str(dishes)]
        if latency is not None:
            argv += ["--latency", str(latency)]
        if cashier:
            argv += ["--cashier", cashier]
        return self.start(name, argv)

    def gateway(self, sim_port, restaurants=1, sources=0, storage=None, name="rkgate"):
        storage = storage or tempfile.mkdtemp(dir=self.tmp)
        config = os.path.join(self.tmp, f"{name}.yaml")
        with open(config, "w") as f:
            subprocess.run([os.path.join(ROOT, "scripts", "sim-config.sh"), str(sim_port),
                            str(restaurants), str(sources), "127.0.0.1:0", storage],
                           stdout=f, check=True)
        return self.start(name, [self.binary("rkgate"), "--config", config, "--log-level", "warn"])

    def load(self, name, port, scenario, **overrides):
        path = os.path.join(self.tmp, f"{name}.scenario.json")
        with open(path, "w") as f:
            json.dump(scenario, f)
        result = os.path.join(self.out, f"{name}.json")
        argv = [self.binary("rkgate-bench"), "--url", f"http://127.0.0.1:{port}",
                "--scenario", path, "--out", result, "--quiet"]
        for k, v in overrides.items():
            argv += [f"--{k}", str(v)]
        subprocess.run(argv, check=True)
        with open(result) as f:
            return json.load(f)


def http(method, url, body=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


TOKEN = {"token": "demo-token"}


def lat(result, route=None):
    r = result["routes"][route] if route else result
    return r["latency_us"]


# -- scenarios -----------------------------------------------------------------


def scenario_ping(b):
    """rkgate /api/v3/ping against a bare RESTinio hello-world, same load."""
    load = {"connections": 64, "duration_s": 10, "warmup_s": 2}
    hello = b.start("bench-hello", [b.binary("bench-hello"), "0"])
    bare = b.load("ping-bare", hello.port, {**load, "requests": [{"name": "hello", "path": "/"}]})
    hello.stop()
    sim = b.sim()
    gw = b.gateway(sim.port)
    gate = b.load("ping-rkgate", gw.port, {**load, "requests": [
        {"name": "ping", "path": "/api/v3/ping", "headers": TOKEN}]})
    b.stop_all()
    ratio = gate["throughput"] / bare["throughput"] if bare["throughput"] else 0
    return {
        "bare": {"rps": bare["throughput"], **pick(lat(bare))},
        "rkgate": {"rps": gate["throughput"], **pick(lat(gate)),
                   "statuses": gate["routes"]["ping"]["statuses"]},
        "ratio": ratio,
        "target": ">= 0.80",
        "met": ratio >= 0.80,
    }


def scenario_getmenu(b):
    """A cached 5,000-dish menu at 64 connections, then conditional requests."""
    sim = b.sim(dishes=5000)
    gw = b.gateway(sim.port)
    status, headers, body = http("GET", f"http://127.0.0.1:{gw.port}/api/v3/getmenu", headers=TOKEN,
                                 timeout=120)
    etag = headers.get("ETag") or headers.get("etag")
    items = len(json.loads(body)["data"]["items"]) if status == 200 else 0
    load = {"connections": 64, "duration_s": 10, "warmup_s": 2}
    full = b.load("getmenu-full", gw.port, {**load, "requests": [
        {"name": "getmenu", "path": "/api/v3/getmenu", "headers": TOKEN}]})
    cond = b.load("getmenu-304", gw.port, {**load, "requests": [
        {"name": "getmenu-304", "path": "/api/v3/getmenu",
         "headers": {**TOKEN, "If-None-Match": etag or "\"none\""}}]})
    b.stop_all()
    p99_ms = lat(full)["p99"] / 1000
    return {
        "menu_items": items, "menu_bytes": len(body), "first_status": status,
        "full": {"rps": full["throughput"], **pick(lat(full)),
                 "statuses": full["routes"]["getmenu"]["statuses"]},
        "not_modified": {"rps": cond["throughput"], **pick(lat(cond)),
                         "statuses": cond["routes"]["getmenu-304"]["statuses"]},
        "target": "p99 <= 2 ms", "met": p99_ms <= 2.0,
    }


def pick(latency):
    return {k: latency[k] for k in ("p50", "p90", "p99", "p999", "max")}


SCENARIOS = {
    "ping": scenario_ping,
    "getmenu": scenario_getmenu,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = ap.parse_args()
    b = Bench(args.build, args.out)
    summary_path = os.path.join(b.out, "summary.json")
    summary = {}
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
    try:
        for name in args.scenarios:
            print(f"== {name}", file=sys.stderr)
            started = time.monotonic()
            summary[name] = SCENARIOS[name](b)
            summary[name]["seconds"] = round(time.monotonic() - started, 1)
            print(json.dumps(summary[name], indent=2), file=sys.stderr)
    finally:
        b.stop_all()
        shutil.rmtree(b.tmp, ignore_errors=True)
        summary["machine"] = {"cores": os.cpu_count(), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        with open(summary_path, "w") as f:
            json.dump(summary, f, indent=2)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "report.py"), b.out], check=False)


if __name__ == "__main__":
    main()
