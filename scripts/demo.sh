#!/usr/bin/env bash
# Sets up and builds rkgate, then runs it at :11111 on a demo restaurant
# simulated by rk7sim, and prints curl calls to try. Ctrl-C stops both.
#
# DEMO_CASHIER=auto makes rk7sim's cashier print bills, pay and void at random.
# DEMO_PORT changes the gateway's port.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKGATE_BUILD_DIR:-$root/build}
port=${DEMO_PORT:-11111}
RKGATE_TARGETS="rkgate rk7sim" bash "$root/scripts/build.sh"

data=$root/demo-data
mkdir -p "$data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Starts a program that prints `READY <port>`; sets ready_port.
start_ready() {
  local log=$1; shift
  "$@" >"$log.out" 2>"$log.err" &
  pids+=($!)
  for _ in $(seq 1 300); do
    if grep -q '^READY ' "$log.out" 2>/dev/null; then
      ready_port=$(awk '/^READY /{print $2; exit}' "$log.out")
      return 0
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: $1 did not start; its log ($log.err):" >&2
  cat "$log.err" >&2
  return 1
}

cashier=()
[ "${DEMO_CASHIER:-}" = auto ] && cashier=(--cashier auto)
start_ready "$data/rk7sim" "$build/app/rk7sim" --listen 127.0.0.1:0 \
  --user http --password http "${cashier[@]}"
sim_port=$ready_port
"$root/scripts/sim-config.sh" "$sim_port" 1 0 "0.0.0.0:$port" "$data/rkgate" >"$data/rkgate.yaml"
start_ready "$data/rkgate" "$build/app/rkgate" --config "$data/rkgate.yaml"

base="http://127.0.0.1:$port"
cat <<TXT

rkgate is serving $base for restaurant r1, simulated by rk7sim on 127.0.0.1:$sim_port.
Logs: $data/rkgate.err, $data/rk7sim.err.  Source token: demo-token.  API docs: $base/swagger

  curl -s $base/api/v3/ping -H 'token: demo-token'
  curl -s $base/api/v3/getmenu -H 'token: demo-token'
  curl -s $base/api/v3/validate -H 'token: demo-token' -H 'Content-Type: application/json' \\
       -d '{"items": [{"id": 1000001, "quantity": 1}, {"code": 3, "quantity": 2}]}'
  curl -s $base/api/v3/postorder -H 'token: demo-token' -H 'Content-Type: application/json' \\
       -d '{"external_id": "demo-1", "items": [{"id": 1000001, "quantity": 1, "item_comment": "no onions"}],
            "payments": [{"currency_code": 3, "sum": 100}], "comment": "Call at the door"}'
  curl -s $base/api/v3/getorders -H 'token: demo-token'
  curl -s http://127.0.0.1:$sim_port/sim/state          # what the simulated cash server holds

Press Ctrl-C to stop.
TXT
wait "${pids[-1]}"
