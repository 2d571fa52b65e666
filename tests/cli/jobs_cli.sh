#!/usr/bin/env bash
# audit --jobs: targets judged by several threads give the very same reports as one thread, byte
# for byte, in every format and with --explain, for a replay of 1,500 targets (24 batches of
# judging) whose recorded answers differ (Azure, OVHcloud, CloudFront, Microsoft 365, CNAME
# chains, special-use addresses), for Terraform plans, and for the default (--jobs 0). A bad
# --jobs is a usage error (exit 2). Offline: recorded facts and the default GeoIP data.
# Usage: jobs_cli.sh RESIDENCY_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source tests/cli/checks.sh

python3 tests/support/scale_facts.py 1500 examples/health-data-hub/facts.json "$tmp/facts.json" "$tmp/names.txt" \
  || { echo "FAILED: scale_facts.py"; exit 1; }
formats=(json text sarif junit markdown markdown-summary html csv)
fmt_args=()
for f in "${formats[@]}"; do fmt_args+=(--format "$f"); done

# replay JOBS OUT-FOLDER [ARGS…]: every format of the 1,500-target replay into OUT-FOLDER; prints the exit code
replay() {
  local jobs=$1 out=$2
  shift 2
  "$bin" -q audit "$tmp/names.txt" --facts "$tmp/facts.json" --policy gdpr-eea-residency --policy fr-health-data \
    --jobs "$jobs" "${fmt_args[@]}" -o "$out" "$@" 2>"$out.err"
  echo $?
}
# same_folder A B: every report of A is in B with the same bytes (a replay is byte-stable)
same_folder() {
  local f
  [[ $(ls "$1" | wc -l) -eq ${#formats[@]} ]] || return 1
  for f in "$1"/*; do cmp -s "$f" "$2/$(basename "$f")" || { echo "    differs: $(basename "$f")"; return 1; }; done
}

rc1=$(replay 1 "$tmp/j1")
[[ $rc1 -eq 1 ]] && [[ $(grep -o '"target":"n[0-9]*\.scale\.test"' "$tmp/j1/report.json" | wc -l) -ge 3000 ]] \
  && ok "one thread: the 1,500-target replay gives its reports (exit 1: proven failures)" \
  || bad "one thread: exit $rc1, $(head -2 "$tmp/j1.err")"
for jobs in 2 3 8 0; do
  rc=$(replay "$jobs" "$tmp/j$jobs")
  [[ $rc -eq $rc1 ]] && same_folder "$tmp/j1" "$tmp/j$jobs" \
    && ok "--jobs $jobs: every format is byte for byte the one-thread report (exit $rc)" \
    || bad "--jobs $jobs: exit $rc or reports differ from one thread's"
done
rc=$(replay 1 "$tmp/e1" --explain)
rc4=$(replay 4 "$tmp/e4" --explain)
[[ $rc -eq $rc4 ]] && grep -q '"explanation"' "$tmp/e1/report.json" && same_folder "$tmp/e1" "$tmp/e4" \
  && ok "--explain: four threads give the one-thread reports, predicate traces included" \
  || bad "--explain: the reports of four threads differ from one thread's"

# Terraform plans: declared resources, judged by several threads, give the same report.
plans=()
for p in ../shared/data/terraform-plans/*.json examples/terraform/*/plan.json; do [[ -f $p ]] && plans+=(--terraform "$p"); done
if ((${#plans[@]})); then
  "$bin" -q audit "${plans[@]}" --policy fr-health-data --tag classification=health --as-of 2026-11-30 --allow-empty --jobs 1 \
    --format json -o "$tmp/plan1.json" 2>/dev/null; p1=$?
  "$bin" -q audit "${plans[@]}" --policy fr-health-data --tag classification=health --as-of 2026-11-30 --allow-empty --jobs 6 \
    --format json -o "$tmp/plan6.json" 2>/dev/null; p6=$?
  grep -Ev '"started_at"' "$tmp/plan1.json" >"$tmp/plan1.cut"
  grep -Ev '"started_at"' "$tmp/plan6.json" >"$tmp/plan6.cut"
  [[ -s $tmp/plan1.json && $p1 -eq $p6 ]] && cmp -s "$tmp/plan1.cut" "$tmp/plan6.cut" \
    && ok "Terraform plans: six threads give the one-thread report (start time aside; exit $p1)" \
    || bad "Terraform plans: exit $p1/$p6 or the reports differ"
else
  bad "no Terraform plan in ../shared/data/terraform-plans"
fi

for j in -1 x 257; do
  "$bin" -q audit "$tmp/names.txt" --facts "$tmp/facts.json" --policy gdpr-eea-residency --jobs "$j" \
    --format json -o "$tmp/bad.json" 2>"$tmp/err"; rc=$?
  [[ $rc -eq 2 && ! -e $tmp/bad.json ]] && grep -q -- "--jobs" "$tmp/err" \
    && ok "--jobs $j is a usage error (exit 2), no report" || bad "--jobs $j: exit $rc, $(head -1 "$tmp/err")"
done

finish
