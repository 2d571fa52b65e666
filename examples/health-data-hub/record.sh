#!/usr/bin/env bash
# Record the example's facts: start nsd on 127.0.0.1 with the scenario's zones (zone/) and an
# imitation of the portal's CloudFront edge on 127.0.0.2 (cdn.sh), run the audit against them with
# --save-facts, stop both. The portal's CloudFront addresses (204.246.168.10, .11) are what DNS
# gives and what is recorded and attributed; --connect-to sends the connections to the imitation.
# Nothing leaves the machine.
# Usage: examples/health-data-hub/record.sh [RESIDENCY_BINARY [OUT_DIR]]
#   writes OUT_DIR/facts.json and OUT_DIR/live.json (default OUT_DIR: this folder, facts.json only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$root/build/release/apps/residency/residency}")
out=${2:-}
work=$(mktemp -d)
trap '"$here/nsd.sh" stop "$work"; "$here/cdn.sh" stop "$work"; rm -rf "$work" || true' EXIT
port=$("$here/nsd.sh" start "$work")
edge=$("$here/cdn.sh" start "$work")
# Relative paths, as the README's replay uses them, so the live and replayed reports are identical.
cd "$root"
facts=${out:+$out/facts.json}
facts=${facts:-examples/health-data-hub/facts.json}
rc=0
"$bin" -q audit examples/health-data-hub/audit.yaml --resolver "127.0.0.1:$port" --as-of 2026-11-30 \
  --ca-file "$work/cdn/ca.crt" --connect-to "204.246.168.10:443:127.0.0.2:$edge" \
  --connect-to "204.246.168.11:443:127.0.0.2:$edge" \
  --save-facts "$facts" --format json --output "$work/live.json" || rc=$?
[[ $rc -eq 2 ]] && { echo "record: the audit failed to run" >&2; exit 2; }
[[ -n $out ]] && cp "$work/live.json" "$out/live.json"
echo "recorded $facts (audit exit code $rc)" >&2
