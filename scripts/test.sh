#!/usr/bin/env bash
# Builds everything and runs every test under ctest. The README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --preset release "$@"
