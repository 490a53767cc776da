#!/usr/bin/env bash
# Sets up, builds and runs every test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKGATE_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "${RKGATE_JOBS:-$(nproc)}"
