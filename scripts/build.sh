#!/usr/bin/env bash
# Configures and builds rkgate into ./build (or $RKGATE_BUILD_DIR) with ninja and ccache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKGATE_BUILD_DIR:-$root/build}
jobs=${RKGATE_JOBS:-$(nproc)}
bash "$root/scripts/setup.sh"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/rkgate-ccache}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$jobs"
