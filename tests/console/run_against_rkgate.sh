#!/usr/bin/env bash
# Runs the console browser test against the real gateway: starts rk7sim and rkgate
# (already built; this script builds nothing) on free loopback ports with a config
# that has a manual-acceptance restaurant, two operators and a source, then runs
# `node --test console.test.mjs` with the RKGATE_* variables of README.md.
#
#   tests/console/run_against_rkgate.sh <path/to/rkgate> <path/to/rk7sim>
set -euo pipefail

rkgate_bin=${1:?usage: run_against_rkgate.sh RKGATE_BINARY RK7SIM_BINARY}
rk7sim_bin=${2:?usage: run_against_rkgate.sh RKGATE_BINARY RK7SIM_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/rkgate-console-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (up to 20 s) for "READY <port>" in a log file and prints the port.
ready_port() {
  local log=$1 pid=$2
  for _ in $(seq 200); do
    local port
    port=$(sed -n 's/^READY \([0-9]*\).*/\1/p' "$log" | head -1)
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run_against_rkgate: $log never said READY:" >&2
  cat "$log" "$log.err" >&2 || true
  return 1
}

"$rk7sim_bin" --listen 127.0.0.1:0 --user http --password http --restaurants 1 --cashier off \
  >"$work/rk7sim.log" 2>"$work/rk7sim.log.err" &
pids+=($!)
sim_port=$(ready_port "$work/rk7sim.log" "${pids[-1]}")

cat >"$work/rkgate.yaml" <<YAML
server:
  listen: 127.0.0.1:0
  request_timeout: 5s
storage:
  path: $work/data
sources:
  - name: site
    token: src-secret-e2e-1
    secret: s1
    restaurants: [msk-01]
operators:
  - name: hall
    token: op-secret-e2e-1
    restaurants: [msk-01]
  - name: evening
    token: op-secret-e2e-2
    restaurants: [msk-01]
restaurants:
  - id: msk-01
    name: Москва, Пушкина 1
    acceptance: manual
    cash_server:
      url: http://127.0.0.1:$sim_port/r1/rk7api/v0/xmlinterface.xml
      user: http
      password: http
      timeout: 5s
    menu:
      refresh: 2s
    r_keeper_references:
      station_id: 15004
      waiter_code: 1
      table_code: 100
      delivery_table_code: 900
      order_category: 1
      external_sales_classification: 2001
      prepay_reason: 1
      item_comment_modifier: 1004009
      close_paid_order: false
YAML

"$rkgate_bin" --config "$work/rkgate.yaml" >"$work/rkgate.log" 2>"$work/rkgate.log.err" &
pids+=($!)
gate_port=$(ready_port "$work/rkgate.log" "${pids[-1]}")

export RKGATE_CONSOLE_URL="http://127.0.0.1:$gate_port"
export RKGATE_OPERATOR_TOKEN=op-secret-e2e-1 RKGATE_OPERATOR_NAME=hall
export RKGATE_OPERATOR_TOKEN_2=op-secret-e2e-2 RKGATE_OPERATOR_NAME_2=evening
export RKGATE_SOURCE_TOKEN=src-secret-e2e-1 RKGATE_RESTAURANT=msk-01
export RKGATE_TEST_ITEMS='[{"id":1000001,"quantity":2,"item_comment":"без лука"},{"code":7,"quantity":1}]'
export RK7SIM_STATE_URL="http://http:http@127.0.0.1:$sim_port/r1/sim/state"
echo "run_against_rkgate: rkgate $RKGATE_CONSOLE_URL/console/, rk7sim port $sim_port" >&2
cd "$here"
status=0
node --test console.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- rkgate log (tail)" >&2
  tail -n 40 "$work/rkgate.log.err" >&2 || true
fi
exit "$status"
