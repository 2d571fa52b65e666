#!/usr/bin/env bash
# Set up residency on Debian 12: install the missing apt packages, build Release, build the
# default GeoIP data with `residency data update` (scripts/fetch-geoip.sh: official URLs where
# the network allows, else ../shared/data/cloud-ip-ranges-2026/ beside the checkout). Idempotent:
# a second run installs, rebuilds and fetches nothing that is already there.
# Usage: scripts/setup.sh [--tests] [--fuzz]   (--tests adds what the test suite needs, --fuzz the
# compiler of the fuzz targets: clang-16 with libFuzzer, see tests/fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config libcli11-dev libyaml-cpp-dev libfmt-dev
          libcurl4-openssl-dev libc-ares-dev libidn2-dev libmaxminddb-dev nlohmann-json3-dev libsimdjson-dev libre2-dev
          zlib1g-dev libssl-dev ca-certificates)
tests=0
for arg in "$@"; do
  case "$arg" in
    --tests)
      tests=1
      packages+=(catch2 mmdb-bin nsd nginx openssl python3-jsonschema python3-yaml libxml2-utils chromium)
      # npm installs the pinned test tools below; a machine whose Node.js already brings npm keeps its own.
      command -v npm >/dev/null 2>&1 || packages+=(npm)
      ;;
    --fuzz) packages+=(clang-16 libclang-rt-16-dev) ;;
    *) echo "usage: scripts/setup.sh [--tests] [--fuzz]" >&2; exit 2 ;;
  esac
done

# Install only what is missing, so a second run does not touch apt at all.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Test tools (--tests): Microsoft's SARIF multitool and playwright-core, pinned by
# tests/tools/package-lock.json; npm ci runs only when the lock file changed since the last one.
if ((tests)); then
  if ! cmp -s tests/tools/package-lock.json tests/tools/node_modules/.residency-installed-lock 2>/dev/null; then
    (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error) >&2
    cp tests/tools/package-lock.json tests/tools/node_modules/.residency-installed-lock
  fi
  # The npm package ships the native multitool without its executable bit.
  chmod +x tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
fi

# Release build (incremental: ninja rebuilds nothing when nothing changed).
if [[ ! -f build/release/CMakeCache.txt ]]; then
  cmake --preset release >&2
fi
cmake --build --preset release >&2

# Default GeoIP data (skipped when the pinned data is already in place).
scripts/fetch-geoip.sh build/release/apps/residency/residency >&2
