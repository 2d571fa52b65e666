#!/usr/bin/env bash
# Set up (packages, Release build, default GeoIP data), then build Debug + ASan/UBSan with
# -Werror and run the whole test suite with ctest. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
if [[ ! -f build/asan/CMakeCache.txt ]]; then
  cmake --preset asan >&2
fi
cmake --build --preset asan >&2
scripts/check-includes.sh
scripts/fetch-reference-files.sh  # checks ../shared, or fetches the reference files where it is absent
ctest --preset asan -j2 "$@"
