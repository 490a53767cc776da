#!/usr/bin/env bash
# Configures and builds rkgate into ./build (or $RKGATE_BUILD_DIR) with ninja and ccache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKGATE_BUILD_DIR:-$root/build}
jobs=${RKGATE_JOBS:-$(nproc)}
bash "$root/scripts/setup.sh"
# ccache keyed on paths relative to the checkout, so a fresh clone (as in CI)
# reuses what an earlier build on this machine compiled.
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# RKGATE_TARGETS (space-separated) limits the build, e.g. to the demo's programs.
targets=()
for t in ${RKGATE_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
