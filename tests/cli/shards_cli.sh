#!/usr/bin/env bash
# End-to-end tests of `audit --shard K/N`, `report merge` and `report render` through the real
# binary, offline (recorded facts of the flagship, and an example Terraform plan): the shards split
# the targets disjointly and completely; the merged JSON equals the unsharded run's, field for field
# (the run's start time aside for the plan, which has no recording); every format rendered from
# the merged JSON equals the one audit writes; shard and merged reports validate against
# docs/report.schema.json; parts that do not belong together are refused (exit 2, the file named).
# Usage: shards_cli.sh RESIDENCY_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source tests/cli/checks.sh
ex=examples/health-data-hub
replay=("$bin" -q audit "$ex/audit.yaml" --facts "$ex/facts.json")
valid() {  # valid FILE DESCRIPTION: the JSON report validates against the schema
  if python3 tests/support/validate_json.py docs/report.schema.json "$1" >"$tmp/valid.out" 2>&1; then ok "$2"
  else bad "$2: $(head -3 "$tmp/valid.out")"; fi
}
same_json() {  # same_json A B DESCRIPTION [KEY…]: equal JSON documents, the top-level KEYs aside
  local a=$1 b=$2 what=$3; shift 3
  if python3 - "$a" "$b" "$@" >"$tmp/same.out" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in sys.argv[3:]:
    a.pop(key, None); b.pop(key, None)
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("differs at /" + k); break
    sys.exit(1)
PY
  then ok "$what"; else bad "$what: $(cat "$tmp/same.out")"; fi
}

# 1. The unsharded replay, and three shards of it.
"${replay[@]}" --format json -o "$tmp/all.json"; want=$?
[[ $want -eq 1 ]] && ok "unsharded flagship replay fails (exit 1)" || bad "unsharded replay: exit $want, expected 1"
for k in 1 2 3; do
  "${replay[@]}" --shard "$k/3" --format json -o "$tmp/s$k.json" 2>"$tmp/s$k.err"; rc=$?
  [[ $rc -eq 0 || $rc -eq 1 || $rc -eq 3 ]] && ok "shard $k/3 runs (exit $rc)" || bad "shard $k/3: exit $rc: $(head -3 "$tmp/s$k.err")"
  valid "$tmp/s$k.json" "shard $k/3 report validates against the schema"
done
python3 - "$tmp"/all.json "$tmp"/s{1,2,3}.json >"$tmp/split.out" 2>&1 <<'PY'
import json, sys
ids = lambda p: [t["id"] for t in json.load(open(p))["targets"]]
whole, parts = ids(sys.argv[1]), [ids(p) for p in sys.argv[2:]]
joined = sorted(i for p in parts for i in p)
assert joined == sorted(whole), f"shards hold {joined}, the whole run {sorted(whole)}"
assert len(set(joined)) == len(joined), "a target is in two shards"
assert sum(1 for p in parts if p) >= 2, f"the split put every target in one shard: {parts}"
print(len(whole), "targets in", [len(p) for p in parts])
PY
[[ $? -eq 0 ]] && ok "the shards split the targets disjointly and completely: $(cat "$tmp/split.out")" || bad "split: $(cat "$tmp/split.out")"
"${replay[@]}" --shard 2/3 --format json -o "$tmp/s2-again.json" 2>/dev/null
cmp -s "$tmp/s2.json" "$tmp/s2-again.json" && ok "a shard is the same on a second run" || bad "shard 2/3 differs between runs"

# 2. Merge, in any order: the unsharded report, field for field.
expect_rc "$want" "report merge gives the unsharded exit code" "$bin" -q report merge "$tmp/s3.json" "$tmp/s1.json" "$tmp/s2.json" -o "$tmp/merged.json"
valid "$tmp/merged.json" "the merged report validates against the schema"
same_json "$tmp/merged.json" "$tmp/all.json" "the merged report equals the unsharded run, field for field"
cmp -s "$tmp/merged.json" "$tmp/all.json" && ok "... and byte for byte (the replay fixes the start time)" || bad "merged JSON differs in bytes from the unsharded run"

# 3. Every format rendered from the merged JSON equals what audit writes.
for fmt in text json sarif junit markdown html csv; do
  "${replay[@]}" --format "$fmt" >"$tmp/direct.$fmt" 2>/dev/null
  "$bin" -q report render "$tmp/merged.json" --format "$fmt" >"$tmp/rendered.$fmt" 2>/dev/null; rc=$?
  [[ $rc -eq $want ]] || bad "report render --format $fmt: exit $rc, expected $want"
  cmp -s "$tmp/direct.$fmt" "$tmp/rendered.$fmt" && ok "report render --format $fmt equals audit --format $fmt" || { bad "render $fmt differs"; diff "$tmp/direct.$fmt" "$tmp/rendered.$fmt" | head -6; }
done
expect_rc "$want" "audit --explain writes a JSON report" "${replay[@]}" --explain --format json -o "$tmp/explain.json"
"${replay[@]}" --explain --format text >"$tmp/explain.direct" 2>/dev/null
"$bin" -q report render "$tmp/explain.json" >"$tmp/explain.rendered" 2>/dev/null
expect_in "$tmp/explain.direct" "      why: " "audit --explain shows the predicate's fact tests (why: lines)"
cmp -s "$tmp/explain.direct" "$tmp/explain.rendered" && ok "an --explain report renders its predicate traces" || bad "--explain render differs"
grep -q '"explanation"' "$tmp/all.json" && bad "a report without --explain carries explanations" || ok "without --explain, findings carry no explanation"

# 4. Parts that do not belong together.
expect_rc 2 "a missing shard is refused" "$bin" -q report merge "$tmp/s1.json" "$tmp/s2.json"
expect_in "$tmp/err" "shard 3/3 is missing" "... and named"
expect_rc 2 "a shard given twice is refused" "$bin" -q report merge "$tmp/s1.json" "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json"
expect_in "$tmp/err" "shard 1/3 is given twice" "... and named"
expect_rc 2 "an unsharded report is refused" "$bin" -q report merge "$tmp/all.json" "$tmp/s1.json"
expect_in "$tmp/err" "all.json: not the report of a shard" "... naming the file"
"${replay[@]}" --shard 2/3 --as-of 2026-09-30 --format json -o "$tmp/s2-other-date.json" 2>/dev/null
expect_rc 2 "a shard of another audit date is refused" "$bin" -q report merge "$tmp/s1.json" "$tmp/s2-other-date.json" "$tmp/s3.json"
expect_in "$tmp/err" "as-of date is '2026-09-30'" "... naming the field that differs"
"${replay[@]}" --shard 1/2 --format json -o "$tmp/h1.json" 2>/dev/null
expect_rc 2 "shards of another split are refused" "$bin" -q report merge "$tmp/h1.json" "$tmp/s2.json" "$tmp/s3.json"
printf '{"schema": "residency/report/v1",\n "targets": [}\n' >"$tmp/broken.json"
expect_rc 2 "a broken JSON report is refused" "$bin" -q report render "$tmp/broken.json"
expect_in "$tmp/err" "broken.json:2:" "... with its line and column"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["findings"][1]["verdict"]="passed"; json.dump(d, open(sys.argv[2], "w"))' "$tmp/s1.json" "$tmp/bad-verdict.json"
expect_rc 2 "a bad value is refused" "$bin" -q report render "$tmp/bad-verdict.json"
expect_in "$tmp/err" "at /findings/1/verdict: unknown value 'passed'" "... with its JSON pointer"
cp "$tmp/s1.json" "$tmp/s1-copy.json"
expect_rc 2 "report merge -o naming one of its inputs is refused" "$bin" -q report merge "$tmp/s1-copy.json" "$tmp/s2.json" "$tmp/s3.json" -o "$tmp/s1-copy.json"
cmp -s "$tmp/s1.json" "$tmp/s1-copy.json" && ok "... and the input is kept" || bad "report merge overwrote its input"
for bad_shard in 0/3 4/3 3 a/b 1/0 1/70000; do
  expect_rc 2 "--shard $bad_shard is a usage error" "${replay[@]}" --shard "$bad_shard"
done
expect_in "$tmp/err" "expected K/N with 1 <= K <= N" "... saying what is expected"

# 5. A Terraform plan in two shards (no recording: the start times differ, nothing else).
plan=examples/terraform/mixed-modules/plan.json
"$bin" -q audit --terraform "$plan" --policy fr-health-data --format json -o "$tmp/plan.json" 2>/dev/null; want=$?
for k in 1 2; do "$bin" -q audit --terraform "$plan" --policy fr-health-data --shard "$k/2" --format json -o "$tmp/p$k.json" 2>/dev/null; done
expect_rc "$want" "merged plan shards give the plan's exit code" "$bin" -q report merge "$tmp/p1.json" "$tmp/p2.json" -o "$tmp/pmerged.json"
same_json "$tmp/pmerged.json" "$tmp/plan.json" "merged plan shards equal the unsharded plan audit, the start time aside" started_at

# 6. A v1 report (written by residency before the v2 schema: tests/unit/audit/data/flagship-v1.json,
# the flagship replay cut to two targets) is still read: it validates, renders to v2, and every
# format rendered from it equals the one rendered from its v2 conversion; diff and --baseline take it.
v1=tests/unit/audit/data/flagship-v1.json
valid "$v1" "the v1 report validates against the schema"
expect_rc 1 "report render turns a v1 report into v2" "$bin" -q report render "$v1" --format json -o "$tmp/from-v1.json"
valid "$tmp/from-v1.json" "... which validates"
expect_in "$tmp/from-v1.json" '"schema": "residency/report/v2"' "... as v2"
for fmt in text json sarif junit markdown html csv; do
  "$bin" -q report render "$v1" --format "$fmt" >"$tmp/v1.$fmt" 2>/dev/null
  "$bin" -q report render "$tmp/from-v1.json" --format "$fmt" >"$tmp/v2.$fmt" 2>/dev/null
  [[ -s $tmp/v1.$fmt ]] && cmp -s "$tmp/v1.$fmt" "$tmp/v2.$fmt" && ok "a v1 report renders as its v2 conversion: $fmt" || bad "v1/v2 $fmt differ or are empty"
done
expect_in "$tmp/v1.text" "evidence: " "... with the evidence chains the v1 findings carried"
expect_rc 0 "diff of a v1 report and its v2 conversion" "$bin" -q diff "$v1" "$tmp/from-v1.json"
expect_in "$tmp/out" "summary: 0 new, 0 resolved, 0 changed" "... finds nothing changed"
expect_rc 1 "--baseline takes a v1 report" "${replay[@]}" --baseline "$v1" --format text
expect_in "$tmp/out" "known in the baseline" "... and uses it"
finish
