#!/usr/bin/env bash
# Installs everything the tests need (apt packages as root, pip and npm packages), then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --all
exec "${PYTHON:-python3}" -m pytest -q "$@"
