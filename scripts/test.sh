#!/usr/bin/env bash
# Set up (packages, Release build, default GeoIP data), then build Debug + ASan/UBSan with
# -Werror and run the whole test suite with ctest, then every fuzz target of tests/fuzz for
# RESIDENCY_FUZZ_SECONDS each (default 30; 0 skips the fuzz build and run). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${RESIDENCY_FUZZ_SECONDS:-30}
[[ "$fuzz_seconds" =~ ^[0-9]+$ ]] || { echo "scripts/test.sh: RESIDENCY_FUZZ_SECONDS is not a number of seconds: $fuzz_seconds" >&2; exit 2; }
if ((fuzz_seconds > 0)); then scripts/setup.sh --tests --fuzz; else scripts/setup.sh --tests; fi
if [[ ! -f build/asan/CMakeCache.txt ]]; then
  cmake --preset asan >&2
fi
cmake --build --preset asan >&2
scripts/check-includes.sh
scripts/fetch-reference-files.sh  # checks ../shared, or fetches the reference files where it is absent
ctest --preset asan -j2 "$@"
if ((fuzz_seconds > 0)); then scripts/fuzz all "$fuzz_seconds"; fi
