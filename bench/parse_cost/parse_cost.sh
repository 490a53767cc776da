#!/bin/sh
# Instructions (callgrind Ir) per call of each rkgate-parse-cost case.
#   bench/parse_cost/parse_cost.sh build-x [iterations] [open orders]
set -eu
build=${1:?usage: parse_cost.sh <build dir> [iterations] [open orders]}
n=${2:-20}
open=${3:-300}
bin="$build/bench/parse_cost/rkgate-parse-cost"
for c in build-create build-save parse-create parse-save parse-list parse-list-lean sim-create sim-save sim-list \
         sim-list-lean sim-command-of; do
  ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=rkgate_measured \
         "$bin" "$c" "$n" "$open" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  echo "$c: $((ir / n)) Ir per call ($n calls, $open open orders)"
done
"$bin" parse-create 1 "$open"
