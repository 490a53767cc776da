#!/bin/sh
# Client CPU per request of rkgate's outbound HTTP engine, against bench-hello.
#   bench/engine_cost/engine_cost.sh BUILD_DIR [requests] [rounds]
set -eu
build=${1:?usage: engine_cost.sh <build dir> [requests] [rounds]}
n=${2:-20000}
rounds=${3:-3}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ready=$(mktemp)
"$build/bench/bench-hello" "$port" >"$ready" &
hello=$!
trap 'kill $hello; rm -f "$ready"' EXIT
for _ in $(seq 100); do grep -q READY "$ready" && break; sleep 0.05; done # until it serves
for i in $(seq "$rounds"); do
  "$build/bench/engine_cost/rkgate-engine-cost" "$port" "$n"
done
