#!/usr/bin/env bash
# Installs what the browser test of the operator console needs (tests/console/):
# Debian's chromium and chromium-driver, node and npm, and playwright-core from the
# committed package-lock.json into tests/console/node_modules. Playwright never
# downloads a browser of its own: the test drives /usr/bin/chromium.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
packages=(chromium chromium-driver)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from another packaging (the machine image's nodejs bundles npm, and
# Debian's npm package would conflict with it): look for the commands, not packages.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "browser-setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
cd "$root/tests/console"
# The lock file pins playwright-core; reinstall only when it changed since the last install.
stamp=node_modules/.rkgate-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "browser-setup: npm ci in tests/console" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
echo "browser-setup: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $(node --version), playwright-core $(node -p "require('playwright-core/package.json').version")" >&2
