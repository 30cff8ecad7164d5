#!/usr/bin/env bash
# Sets up a clean clone. `--test` also installs the real peers the tests drive (Kamailio, sipp) and Chromium,
# and skips Electron's binary download (CI and this project's build machines cannot reach it).
#   bash scripts/setup.sh           # desktop app: npm ci (downloads Electron)
#   bash scripts/setup.sh --test    # tests / serve mode: Debian packages + npm ci without the Electron binary
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(kamailio kamailio-presence-modules kamailio-sqlite-modules kamailio-tls-modules sip-tester sqlite3 openssl chromium)

if [[ "${1:-}" == "--test" ]]; then
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

npm ci --no-audit --no-fund
