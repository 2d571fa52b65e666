#!/usr/bin/env bash
# Wall time of the flagship audit from recorded facts, as a whole process (hyperfine), in the
# formats users run: text to stdout, and all seven formats into a folder.
# Usage: bench/flagship.sh [RESIDENCY_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/apps/residency/residency}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args="audit examples/health-data-hub/audit.yaml --facts examples/health-data-hub/facts.json"
hyperfine -N --warmup 3 --runs 30 -i \
  "$bin -q $args --format text" \
  "$bin -q $args --format html -o $out/report.html" \
  "$bin -q $args --format text --format json --format sarif --format junit --format markdown --format html --format csv -o $out/all"
