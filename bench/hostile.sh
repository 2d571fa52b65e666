#!/usr/bin/env bash
# bench/hostile.sh: peak memory and time of residency on hostile inputs (issue 14's figures), one
# line per case: exit code, wall seconds, peak RSS, and the first line of the error. The inputs are
# built in a temporary folder: two YAML alias bombs (one 100 KB scalar aliased 100,000 times; nine
# levels of ten aliases), a 100 KB target id against a `matches:` rule, `(a+)+$` against a 100 KB
# tag, and a 10 MB manifest. Audits replay the example's recorded facts (no network). Whole
# processes are timed with GNU time, as bench/run does. Nothing is asserted: these are figures.
#
#   bench/hostile.sh [path/to/residency]   (default: build/release, else build/asan)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${1:-}
if [[ -z $bin ]]; then
  for b in build/release/apps/residency/residency build/asan/apps/residency/residency; do
    [[ -x $b ]] && { bin=$root/$b; break; }
  done
fi
[[ -n $bin && -x $bin ]] || { echo "bench/hostile.sh: no residency binary; build a Release or asan tree first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench/hostile.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
work=$(mktemp -d /tmp/residency-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
facts=examples/health-data-hub/facts.json

# Inputs. A rule pack is a folder of YAML files (rules validate DIR); a policy with two regexes on
# fields a manifest controls; manifests that select it.
mkdir -p "$work/scalar-bomb" "$work/node-bomb" "$work/policy"
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
with open(f"{w}/scalar-bomb/bomb.yaml", "w") as f:
    f.write("schema: residency/v1\nkind: policy\nid: bomb\nbig: &a \"" + "x" * 100_000 + "\"\nlist:\n")
    f.write("  - *a\n" * 100_000)
with open(f"{w}/node-bomb/bomb.yaml", "w") as f:
    f.write("schema: residency/v1\nkind: policy\nid: laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
    for i in range(1, 10):
        f.write(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n")
with open(f"{w}/policy/hostile.yaml", "w") as f:
    req = lambda rid, fact, rx: (f"  - id: {rid}\n    title: {rid}\n    severity: low\n    rationale: Bench only.\n"
                                 f"    references: [{{citation: bench, url: \"https://example.org/\"}}]\n    remediation: None.\n"
                                 f"    check: {{fact: {fact}, matches: \"{rx}\"}}\n")
    f.write("schema: residency/v1\nkind: policy\nid: hostile-match\ntitle: Hostile matches\n"
            "description: Regular expressions on data the manifest controls.\nrequirements:\n")
    f.write(req("ID-MATCH", "target.id", "[a-z0-9-]+") + req("TAG-REDOS", "target.tags.k", "(a+)+$"))
head = "schema: residency/manifest/v1\npolicies: [hostile-match]\ntargets:\n"
with open(f"{w}/long-id.yaml", "w") as f:
    f.write(head + "  - host: a.example.fr\n    id: " + "a" * 100_000 + "\n")
with open(f"{w}/redos.yaml", "w") as f:
    f.write(head + "  - host: a.example.fr\n    id: redos\n    tags: {k: " + "a" * 100_000 + "b}\n")
with open(f"{w}/10mb.yaml", "w") as f:  # 10 MB: 2,000 targets, each with a 5 KB tag
    f.write("schema: residency/manifest/v1\npolicies: [gdpr-eea-residency]\ntargets:\n")
    for i in range(2_000):
        f.write(f"  - host: h{i}.example.fr\n    tags: {{classification: health, note: {'n' * 5_000}}}\n")
PY

# case NAME CMD…: one line with the exit code, wall time, peak RSS and the first error line.
case_line() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/err"
  local rc=$? wall rss
  read -r wall rss < <(tail -1 "$work/time.out")
  local first
  first=$(grep -m1 -E 'error|fatal|Sanitizer' "$work/err" | cut -c1-160)
  printf '%-34s exit %-3s %7ss %8.1f MB  %s\n' "$name" "$rc" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
    "${first:-(no error)}"
}

echo "residency hostile inputs: $bin ($(du -h "$work/scalar-bomb/bomb.yaml" | cut -f1) scalar bomb, $(du -h "$work/10mb.yaml" | cut -f1) manifest)"
opts=(--facts "$facts" --as-of 2026-11-30 --format json -o /dev/null)
case_line "alias bomb: 100 KB scalar x 100k" "$bin" rules validate "$work/scalar-bomb" --as-of 2026-11-30
case_line "alias bomb: 10^9 nodes (laughs)" "$bin" rules validate "$work/node-bomb" --as-of 2026-11-30
case_line "100 KB id vs matches [a-z0-9-]+" "$bin" -q audit "$work/long-id.yaml" "${opts[@]}" --rules "$work/policy"
case_line "(a+)+\$ on a 100 KB tag" "$bin" -q audit "$work/redos.yaml" "${opts[@]}" --rules "$work/policy"
case_line "10 MB manifest (2,000 targets)" "$bin" -q audit "$work/10mb.yaml" "${opts[@]}"
case_line "floor: rules validate (shipped)" "$bin" rules validate --as-of 2026-11-30
