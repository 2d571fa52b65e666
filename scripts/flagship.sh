#!/usr/bin/env bash
# The flagship audit: the Health Data Hub example replayed from its recorded facts (offline,
# deterministic), written as a self-contained HTML report. Exits 0 once the report is written
# and prints the audit's own exit code (1: proven failures, as this scenario has).
# Usage: scripts/flagship.sh [OUTPUT.html]   (default: report.html)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-report.html}
bin=${RESIDENCY_BIN:-build/release/apps/residency/residency}
cmd=("$bin" audit examples/health-data-hub/audit.yaml --facts examples/health-data-hub/facts.json
     --format html --output "$out")
echo "+ ${cmd[*]}" >&2
"${cmd[@]}"
rc=$?
if [[ $rc -eq 2 || ! -s $out ]]; then
  echo "flagship: the audit could not run (exit $rc); no report written" >&2
  exit 2
fi
"$bin" -q audit examples/health-data-hub/audit.yaml --facts examples/health-data-hub/facts.json --format text \
  | sed -n '/^Summary/,/^Result/p'
echo "report: $out — audit exit code: $rc (0 clean, 1 proven failures, 3 unknowns count as failures)"
exit 0
