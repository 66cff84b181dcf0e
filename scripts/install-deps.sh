#!/usr/bin/env bash
# Installs the Debian 12 packages perpgate needs, if any is missing. Idempotent, non-interactive.
# With --fuzz, also what the fuzz preset needs (clang and libFuzzer; scripts/fuzz.sh passes it):
# the default build and the README's commands do not need them.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates unzip valgrind python3
  libgtest-dev libgmock-dev libbenchmark-dev
  libsimdjson-dev libcli11-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev
  verilator libsystemc-dev yosys
  libdpdk-dev dpdk-dev libpcap-dev
  gnuplot-nox tshark
)
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libfuzzer-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
