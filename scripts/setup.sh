#!/usr/bin/env bash
# Set-up for building the HTML site: Python packages only (no system packages needed).
# Usage: bash scripts/setup.sh            # site build dependencies
#        bash scripts/setup.sh --all      # also everything the tests, PDF handouts and browser checks need
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ "${1:-}" = "--all" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # chromium: browser tests (driven by Playwright for Python, never `playwright install`)
    # fonts-noto-cjk, libharfbuzz-subset0, libpango*: WeasyPrint PDF handouts with subset CJK fonts
    # poppler-utils: pdftotext/pdftoppm used by PDF tests
    # java (default-jre-headless): the Nu HTML checker (vnu.jar); npm: vnu-jar and axe-core packages
    # (each only when the machine lacks it: some images ship Node.js with its own npm)
    pkgs="chromium fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"
    command -v java >/dev/null 2>&1 || pkgs="$pkgs default-jre-headless"
    command -v npm >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
    $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  fi
  "$PY" -m pip install -q --disable-pip-version-check -e '.[pdf,test]'
  if [ -f package.json ]; then
    # the lock pins exact versions; --ignore-scripts: vnu-jar's postinstall would download a Java
    # runtime from outside the npm registry, and the machine's Java is used instead
    if [ -f package-lock.json ]; then npm_cmd=ci; else npm_cmd=install; fi
    npm "$npm_cmd" --ignore-scripts --no-audit --no-fund --silent >/dev/null
  fi
else
  "$PY" -m pip install -q --disable-pip-version-check -e .
fi
