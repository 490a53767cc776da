#!/usr/bin/env bash
# Prints an rkgate configuration for restaurants served by one rk7sim
# (its demo dataset: see docs/rk7sim.md). Used by the demo and the benchmarks.
#
#   scripts/sim-config.sh SIM_PORT [RESTAURANTS] [SOURCES] [LISTEN] [STORAGE] [TLS]
#
# Restaurant i is `r<i>` at rk7sim's /r<i>/ path. Source `demo` (token
# `demo-token`) may use every restaurant; sources bench-<k> (tokens
# `bench-token-<k>`) too. Operator `operator` has token `demo-operator`.
# SIM_CALLBACK_URL, when set, is every source's default callback URL;
# SIM_MENU_REFRESH the menu refresh period (default 30s); SIM_AVAILABILITY_REFRESH
# the stop list's (default: rkgate's own); SIM_WRITES_IN_FLIGHT
# and SIM_STATUS_POLL each restaurant's cash_server.writes_in_flight and
# status_poll (default: rkgate's own; for experiments); SIM_THREADS
# server.threads (default: rkgate's own); SIM_UNLOAD_AFTER orders.unload_after
# (default: rkgate's own).
set -euo pipefail
port=${1:?rk7sim port}
restaurants=${2:-1}
sources=${3:-0}
listen=${4:-127.0.0.1:11111}
storage=${5:-./demo-data/rkgate}
scheme=http
[ "${6:-}" = tls ] && scheme=https

cat <<YAML
server:
  listen: $listen
  request_timeout: 10s
YAML
if [ -n "${SIM_THREADS:-}" ]; then printf '  threads: %s\n' "$SIM_THREADS"; fi
cat <<YAML
storage:
  path: $storage
YAML
if [ -n "${SIM_UNLOAD_AFTER:-}" ]; then printf 'orders:\n  unload_after: %s\n' "$SIM_UNLOAD_AFTER"; fi
cat <<YAML
sources:
  - name: demo
    token: demo-token
    secret: demo-secret
    restaurants: [all]
YAML
if [ -n "${SIM_CALLBACK_URL:-}" ]; then echo "    callback_url: $SIM_CALLBACK_URL"; fi
for ((k = 1; k <= sources; k++)); do
  cat <<YAML
  - name: bench-$k
    token: bench-token-$k
    secret: bench-secret-$k
    restaurants: [all]
YAML
  if [ -n "${SIM_CALLBACK_URL:-}" ]; then echo "    callback_url: $SIM_CALLBACK_URL"; fi
done
cat <<YAML
operators:
  - name: operator
    token: demo-operator
    restaurants: [all]
restaurants:
YAML
for ((i = 1; i <= restaurants; i++)); do
  cat <<YAML
  - id: r$i
    name: Demo restaurant $i
YAML
  if [ -n "${SIM_STATUS_POLL:-}" ]; then echo "    status_poll: $SIM_STATUS_POLL"; fi
  cat <<YAML
    cash_server:
      url: $scheme://127.0.0.1:$port/r$i/rk7api/v0/xmlinterface.xml
      user: http
      password: http
      verify_tls: false
      timeout: 30s
YAML
  if [ -n "${SIM_WRITES_IN_FLIGHT:-}" ]; then echo "      writes_in_flight: $SIM_WRITES_IN_FLIGHT"; fi
  cat <<YAML
    menu:
      refresh: ${SIM_MENU_REFRESH:-30s}
YAML
  if [ -n "${SIM_AVAILABILITY_REFRESH:-}" ]; then echo "      availability_refresh: $SIM_AVAILABILITY_REFRESH"; fi
  cat <<YAML
    r_keeper_references:
      station_id: 15004
      waiter_code: 1
      cashier_code: 2
      table_code: 100
      delivery_table_code: 900
      order_category: 1
      order_type: 1
      external_sales_classification: 2001
      prepay_reason: 1
      item_comment_modifier: 1004009
      void_reason: 1
      close_paid_order: false
YAML
done
