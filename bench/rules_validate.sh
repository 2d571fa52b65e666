#!/bin/sh
# rules_validate.sh: time `residency rules validate` on the shipped packs as a whole process
# (budget: < 30 ms), and compare with validating the same packs from YAML (rules validate rules/),
# which is what the embedded compiled form avoids at run time.
#   usage: bench/rules_validate.sh [path/to/residency]   (default: build/release/apps/residency/residency)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-"$here/build/release/apps/residency/residency"}
[ -x "$bin" ] || { echo "rules_validate.sh: no executable at $bin; build a Release tree first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "rules_validate.sh: hyperfine is not installed" >&2; exit 2; }
cd "$here"
"$bin" rules validate --as-of 2026-11-30 >/dev/null
hyperfine -N --warmup 5 --runs 50 \
  "$bin rules validate --as-of 2026-11-30" \
  "$bin rules validate --as-of 2026-11-30 rules" \
  "$bin --version"
