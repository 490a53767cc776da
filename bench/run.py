#!/usr/bin/env python3
"""Runs rkgate's benchmark scenarios end to end and writes results + report.

Each scenario starts its own rk7sim and rkgate (and, for the ping ceiling, the
bare RESTinio server) on loopback, drives them with rkgate-bench, and records
ratios measured within the same run, since these machines are shared and noisy.

    python3 bench/run.py [--build build] [--out bench/results] [SCENARIO ...]

Scenarios: ping, getmenu, postorder, mixed, freshness (default: all).
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


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TOKEN = {"token": "demo-token"}
# rk7sim's control API takes the same Basic credentials as its XML endpoint.
SIM_AUTH = {"Authorization": "Basic aHR0cDpodHRw"}  # http:http


def lat(result, route=None):
    r = result["routes"][route] if route else result
    return r["latency_us"]


# -- scenarios -----------------------------------------------------------------


def scenario_ping(b):
    """rkgate /api/v3/ping against a bare RESTinio hello-world, same load. The bare
    server runs with 1 and with 2 asio threads (rkgate runs 2); the ratio is taken
    against the faster, so the ceiling is never a crippled one."""
    load = {"connections": 64, "duration_s": 10, "warmup_s": 2}
    bare = {}
    for threads in (1, 2):
        hello = b.start(f"bench-hello-{threads}", [b.binary("bench-hello"), str(free_port()), str(threads)])
        bare[threads] = b.load(f"ping-bare-{threads}t", hello.port,
                               {**load, "requests": [{"name": "hello", "path": "/"}]})
        hello.stop()
    best = max(bare.values(), key=lambda r: r["throughput"])
    sim = b.sim()
    gw = b.gateway(sim.port)
    gate = b.load("ping-rkgate", gw.port, {**load, "requests": [
        {"name": "ping", "path": "/api/v3/ping", "headers": TOKEN}]})
    b.stop_all()
    ratio = gate["throughput"] / best["throughput"] if best["throughput"] else 0
    return {
        "bare": {f"{t}_threads": {"rps": r["throughput"], **pick(lat(r))} for t, r in bare.items()},
        "rkgate": {"rps": gate["throughput"], **pick(lat(gate)),
                   "statuses": gate["routes"]["ping"]["statuses"]},
        "ratio": ratio,
        "target": ">= 0.80 of the faster bare server",
        "met": ratio >= 0.80,
    }


# An open-loop arrival rate for getmenu: every client of a gateway fetching its
# menu several times a minute (QR menus, shop fronts, aggregators) stays far below
# this; it is the rate the p99 target is judged at.
GETMENU_RATE = 200


def scenario_getmenu(b, rate=GETMENU_RATE):
    """A cached 5,000-dish menu over 64 connections: plain and gzip bodies, then
    conditional requests (304), each closed loop and open loop at `rate`/s."""
    sim = b.sim(dishes=5000)
    gw = b.gateway(sim.port)
    url = f"http://127.0.0.1:{gw.port}/api/v3/getmenu"
    status, headers, body = http("GET", url, headers=TOKEN, timeout=120)
    etag = headers.get("ETag") or headers.get("etag")
    items = len(json.loads(body)["data"]["items"]) if status == 200 else 0
    _, zheaders, zbody = http("GET", url, headers={**TOKEN, "Accept-Encoding": "gzip"})
    variants = {
        "plain": TOKEN,
        "gzip": {**TOKEN, "Accept-Encoding": "gzip"},
        "not_modified": {**TOKEN, "Accept-Encoding": "gzip", "If-None-Match": etag or "\"none\""},
    }
    out = {"menu_items": items, "menu_bytes": len(body), "first_status": status,
           "gzip_bytes": len(zbody), "gzip_encoding": zheaders.get("Content-Encoding"),
           "rate": rate, "closed": {}, "open": {}}
    for mode, extra in (("closed", {}), ("open", {"rate": rate})):
        for name, headers in variants.items():
            res = b.load(f"getmenu-{mode}-{name}", gw.port, {
                "connections": 64, "duration_s": 8, "warmup_s": 2, **extra,
                "requests": [{"name": name, "path": "/api/v3/getmenu", "headers": headers}]})
            out[mode][name] = {"rps": res["throughput"], **pick(lat(res)),
                               "statuses": res["routes"][name]["statuses"]}
    b.stop_all()
    p99_ms = out["open"]["gzip"]["p99"] / 1000
    out.update({"target": f"p99 <= 2 ms (gzip, open loop at {rate}/s over 64 connections)",
                "met": p99_ms <= 2.0})
    return out


# Commands a cash server runs for the gateway's own upkeep, not for an order.
BACKGROUND = {"GetSystemInfo", "GetRefList", "GetRefData", "GetOrderMenu", "GetDishRests",
              "GetOrderList", "GetOrderList2"}


def sim_state(sim_port, i):
    status, _, body = http("GET", f"http://127.0.0.1:{sim_port}/r{i}/sim/state", headers=SIM_AUTH,
                           timeout=120)
    return json.loads(body)


def service_time(sim_port, restaurants):
    """r_keeper busy time by command, summed over restaurants (from rk7sim's service log)."""
    busy, counts = {}, {}
    for i in range(1, restaurants + 1):
        for entry in sim_state(sim_port, i)["service_log"]:
            cmd = entry["command"]
            busy[cmd] = busy.get(cmd, 0) + entry["end_ms"] - entry["start_ms"]
            counts[cmd] = counts.get(cmd, 0) + 1
    return busy, counts


def warm_menus(port, restaurants, token="demo-token"):
    """Loads every restaurant's menu (a cold cache waits for the first load)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda i: http(
            "GET", f"http://127.0.0.1:{port}/api/v3/getmenu?restaurant=r{i}",
            headers={"token": token}, timeout=300)[0], range(1, restaurants + 1)))
    return statuses.count(200)


ORDER_BODY = {"restaurant": "r{mod:%d}",
              "items": [{"id": 1000001, "quantity": 1}, {"id": 1000003, "quantity": 2}]}


def order_request(restaurants, sources, phase):
    """Every run numbers its requests from 1: `phase` keeps external_ids unique
    across runs, so none is an idempotent repeat of an earlier order."""
    body = dict(ORDER_BODY, restaurant=ORDER_BODY["restaurant"] % restaurants,
                external_id=f"{phase}-{{seq}}")
    return {"name": "postorder", "method": "POST", "path": "/api/v3/postorder",
            "headers": {"token": "bench-token-{mod:%d}" % sources}, "body": body}


def scenario_postorder(b, restaurants=100, latency_ms=20, sources=10):
    """Orders spread over 100 simulated cash servers that take 20 ms per XML call
    and serve one call at a time, as r_keeper does."""
    sim = b.sim(restaurants=restaurants, latency=latency_ms)
    gw = b.gateway(sim.port, restaurants=restaurants, sources=sources)
    warmed = warm_menus(gw.port, restaurants)
    sat = b.load("postorder-saturate", gw.port, {
        "connections": 8 * restaurants, "duration_s": 20, "warmup_s": 5,
        "requests": [order_request(restaurants, sources, "saturate")]})
    busy, counts = service_time(sim.port, restaurants)
    created = counts.get("CreateOrder", 0)
    order_ms = sum(v for k, v in busy.items() if k not in BACKGROUND) / max(created, 1)
    ceiling = restaurants / (order_ms / 1000) if order_ms else 0
    ok = sat["routes"]["postorder"]["statuses"].get("201", 0)
    achieved = ok / sat["measured_seconds"]
    low = b.load("postorder-overhead", gw.port, {
        "connections": 64, "rate": max(1.0, round(0.1 * ceiling)), "duration_s": 15, "warmup_s": 3,
        "requests": [order_request(restaurants, sources, "overhead")]})
    b.stop_all()
    overhead = low["routes"]["postorder"].get("overhead_us")
    ratio = achieved / ceiling if ceiling else 0
    return {
        "restaurants": restaurants, "latency_ms": latency_ms, "menus_warmed": warmed,
        "rk7_ms_per_order": round(order_ms, 2), "rk7_busy_ms_by_command": busy,
        "rk7_calls_by_command": counts,
        "ceiling_orders_per_s": round(ceiling, 1), "achieved_orders_per_s": round(achieved, 1),
        "ratio": round(ratio, 3), "saturate_statuses": sat["routes"]["postorder"]["statuses"],
        "saturate_latency": pick(lat(sat)),
        "overhead_us": pick(overhead) if overhead else None,
        "overhead_statuses": low["routes"]["postorder"]["statuses"],
        "target": "ratio >= 0.95, overhead p99 <= 1 ms",
        "met": bool(ratio >= 0.95 and overhead and overhead["p99"] <= 1000),
    }


def scenario_freshness(b, rounds=5):
    """Time from a stop-list change on the cash server to the dish leaving getmenu."""
    sim = b.sim()
    gw = b.gateway(sim.port)
    url = f"http://127.0.0.1:{gw.port}/api/v3/getmenu"
    _, _, body = http("GET", url, headers=TOKEN, timeout=120)
    dishes = [it["id"] for it in json.loads(body)["data"]["items"] if not it["combo"]][:rounds]
    delays = []
    for dish in dishes:
        http("POST", f"http://127.0.0.1:{sim.port}/r1/sim/stoplist", {"dish": dish, "on": True},
             headers=SIM_AUTH)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60:
            _, _, body = http("GET", url, headers=TOKEN)
            if dish not in [it["id"] for it in json.loads(body)["data"]["items"]]:
                break
            time.sleep(0.05)
        delays.append(round(time.monotonic() - t0, 3))
    b.stop_all()
    return {"delays_s": delays, "max_s": max(delays), "target": "<= 5 s", "met": max(delays) <= 5}


def scenario_mixed(b, restaurants=10, latency_ms=20, rate=400):
    """getmenu 60 %, validate 25 %, postorder 10 %, getorders 5 %, with the automatic
    cashier changing order statuses and callbacks going to a local receiver."""
    # Imported by name: a bare `import http.server` would shadow this file's http().
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading
    lags = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                at = json.loads(body).get("at")
                if at:
                    from datetime import datetime
                    lags.append(time.time() - datetime.fromisoformat(at).timestamp())
            except ValueError:
                pass
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    os.environ["SIM_CALLBACK_URL"] = f"http://127.0.0.1:{receiver.server_address[1]}/callback"
    try:
        sim = b.sim(restaurants=restaurants, latency=latency_ms, cashier="auto")
        gw = b.gateway(sim.port, restaurants=restaurants, sources=4)
    finally:
        del os.environ["SIM_CALLBACK_URL"]
    warm_menus(gw.port, restaurants)
    token = {"token": "bench-token-{mod:4}"}
    rest = "r{mod:%d}" % restaurants
    cart = {"restaurant": rest, "items": [{"id": 1000001, "quantity": 1}, {"id": 1000003, "quantity": 2}]}
    mix = [
        {"name": "getmenu", "weight": 60, "path": f"/api/v3/getmenu?restaurant={rest}", "headers": token},
        {"name": "validate", "weight": 25, "method": "POST", "path": "/api/v3/validate",
         "headers": token, "body": cart},
        dict(order_request(restaurants, 4, "mixed"), weight=10),
        {"name": "getorders", "weight": 5, "path": f"/api/v3/getorders?restaurant={rest}", "headers": token},
    ]
    res = b.load("mixed", gw.port, {"connections": 128, "rate": rate, "duration_s": 30, "warmup_s": 5,
                                    "requests": mix})
    b.stop_all()
    receiver.shutdown()
    lags.sort()
    routes = {name: {"rps": round(r["rps"], 1), "statuses": r["statuses"], **pick(r["latency_us"])}
              for name, r in res["routes"].items()}
    return {
        "rate": rate, "routes": routes, "callbacks": len(lags),
        "callback_lag_ms": {"p50": round(1000 * lags[len(lags) // 2], 1),
                            "p99": round(1000 * lags[int(len(lags) * 0.99)], 1),
                            "max": round(1000 * lags[-1], 1)} if lags else None,
    }


def pick(latency):
    return {k: latency[k] for k in ("p50", "p90", "p99", "p999", "max")}


SCENARIOS = {
    "ping": scenario_ping,
    "getmenu": scenario_getmenu,
    "postorder": scenario_postorder,
    "mixed": scenario_mixed,
    "freshness": scenario_freshness,
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
