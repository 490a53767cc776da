#!/usr/bin/env bash
# Installs what the browser test of the operator console needs (tests/console/):
# Debian's chromium and chromium-driver and node/npm (through scripts/setup.sh),
# then playwright-core from a committed package-lock.json with `npm ci` into
# tests/console/node_modules. Playwright never downloads a browser of its own
# (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the test drives /usr/bin/chromium.
#
# playwright-core follows node: tests/console/package-lock.json (node >= 20) or,
# where only an older node is present (Debian 12's nodejs 18),
# tests/console/node18/package-lock.json, whose node_modules is then linked into
# tests/console. Idempotent: when everything is present it only checks and returns.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
tests=$root/tests/console
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -ge 20 ]; then lockdir=$tests; else lockdir=$tests/node18; fi

cd "$lockdir"
# A link left by the other variant must not be emptied by npm ci.
[ -L node_modules ] && rm node_modules
# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.rkgate-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "browser-setup: npm ci in ${lockdir#"$root"/} (node $major)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
if [ "$lockdir" != "$tests" ]; then
  rm -rf "$tests/node_modules"
  ln -s node18/node_modules "$tests/node_modules"
fi

cd "$tests"
echo "browser-setup: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $(node --version), playwright-core $(node -p "require('playwright-core/package.json').version")" >&2
