#!/usr/bin/env bash
# Configures and builds the release preset (after installing what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
