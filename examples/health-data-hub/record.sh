#!/usr/bin/env bash
# Record the example's facts: start nsd on 127.0.0.1 with the scenario's zones (zone/), run the
# audit against it with --save-facts, stop nsd. Nothing leaves the machine.
# Usage: examples/health-data-hub/record.sh [RESIDENCY_BINARY [OUT_DIR]]
#   writes OUT_DIR/facts.json and OUT_DIR/live.json (default OUT_DIR: this folder, facts.json only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$root/build/release/apps/residency/residency}")
out=${2:-}
work=$(mktemp -d)
trap '"$here/nsd.sh" stop "$work"; rm -rf "$work" || true' EXIT
port=$("$here/nsd.sh" start "$work")
# Relative paths, as the README's replay uses them, so the live and replayed reports are identical.
cd "$root"
facts=${out:+$out/facts.json}
facts=${facts:-examples/health-data-hub/facts.json}
rc=0
"$bin" -q audit examples/health-data-hub/audit.yaml --resolver "127.0.0.1:$port" --as-of 2026-11-30 \
  --save-facts "$facts" --format json --output "$work/live.json" || rc=$?
[[ $rc -eq 2 ]] && { echo "record: the audit failed to run" >&2; exit 2; }
[[ -n $out ]] && cp "$work/live.json" "$out/live.json"
echo "recorded $facts (audit exit code $rc)" >&2
