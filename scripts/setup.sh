#!/usr/bin/env bash
# Installs every build and test dependency of rkgate from Debian packages.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates openssl python3
  libcaf-dev librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev
  nlohmann-json3-dev libpugixml-dev librocksdb-dev libspdlog-dev catch2
  libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libxml2-dev libxml2-utils
  # The gateway's allocator (app/CMakeLists.txt).
  libjemalloc-dev
  # The operator console's browser test (tests/console/): Debian's browser and driver.
  chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from another packaging (the machine image's nodejs bundles npm, and
# Debian's npm package would conflict with it): look for the commands, not packages.
# Without node, Debian's nodejs (18) is used; scripts/browser-setup.sh then installs
# the playwright-core that supports it.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all dependencies present" >&2
