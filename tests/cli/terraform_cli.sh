#!/usr/bin/env bash
# End-to-end tests of `residency audit --terraform` and `residency compare` through the real
# binary, offline: the example plans' text reports against examples/terraform/*/expected.txt (the
# run line aside), SARIF/JSON of a plan against their schemas with the address as a logical
# location, exit codes, a malformed plan (exit 2, the JSON location named, nothing written), a
# plan on standard input, and the procurement comparison of fr-health-data on two dates against
# examples/procurement/. Usage: terraform_cli.sh RESIDENCY_BINARY SOURCE_DIR
# (RESIDENCY_UPDATE_GOLDEN=1 rewrites the expected files).
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
expect_rc() {  # expect_rc WANT DESCRIPTION CMD…
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [[ $rc -eq $want ]]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, expected $want"; sed 's/^/    /' "$tmp/err" | head -5; fi
}
golden() {  # golden FILE EXPECTED: compare (or rewrite with RESIDENCY_UPDATE_GOLDEN=1)
  if [[ ${RESIDENCY_UPDATE_GOLDEN:-} == 1 ]]; then cp "$1" "$2"; ok "golden $2 rewritten";
  elif cmp -s "$1" "$2"; then ok "golden $2";
  else bad "golden $2 differs (RESIDENCY_UPDATE_GOLDEN=1 rewrites it)"; diff "$2" "$1" | head -10; fi
}
# The SARIF schema is a third-party file: read from ../shared/schemas (or $RESIDENCY_SHARED_DIR,
# else build/shared, as in audit_cli.sh); a missing one fails the run naming it.
schemas=${RESIDENCY_SHARED_DIR:-$(dirname "$root")/shared}
[[ -n ${RESIDENCY_SHARED_DIR:-} || -d $schemas ]] || schemas=$root/build/shared
schemas=$schemas/schemas
[[ -f $schemas/sarif-schema-2.1.0.json ]] || { echo "FAILED: missing third-party reference file $schemas/sarif-schema-2.1.0.json (put the shared data set beside the checkout as ../shared, or set RESIDENCY_SHARED_DIR)"; exit 1; }
shared=../shared/data/terraform-plans
[[ -f $shared/P1.json ]] || { echo "FAILED: real plan missing: $(realpath -m "$shared/P1.json") (see ../shared/data/terraform-plans/SOURCE.md)"; exit 1; }
ex=examples/terraform
schemas=../shared/schemas  # read at test time, never copied
[[ -f $schemas/sarif-schema-2.1.0.json ]] || { echo "FAILED: schema missing: $(realpath -m "$schemas/sarif-schema-2.1.0.json")"; exit 1; }

# 1. The example plans: text reports (without the run line, which names the time and host).
declare -A extra=([azure-francecentral]="" [aws-eu-west-3]="" [ovhcloud]="--tag classification=health --tag offer=ovhcloud-managed-kubernetes" [mixed-modules]="")
for name in azure-francecentral aws-eu-west-3 ovhcloud mixed-modules; do
  # shellcheck disable=SC2086
  "$bin" -q audit --terraform "$ex/$name/plan.json" --policy fr-health-data ${extra[$name]} --as-of 2026-11-30 >"$tmp/$name.txt" 2>"$tmp/$name.err"
  rc=$?
  [[ $rc -eq 1 ]] && ok "$name: proven failures (exit 1)" || bad "$name: exit $rc, expected 1: $(head -3 "$tmp/$name.err")"
  grep -v '^started ' "$tmp/$name.txt" >"$tmp/$name.golden"
  golden "$tmp/$name.golden" "$ex/$name/expected.txt"
done
grep -q "unknown region\|did you mean" "$tmp/azure-francecentral.err" && bad "the Azure example warns about a region" || ok "the Azure example's regions are all known"

# 2. SARIF and JSON of a plan validate; the address is a logical location, the entry its line:column.
"$bin" -q audit --terraform "$ex/mixed-modules/plan.json" --policy fr-health-data --as-of 2026-11-30 \
  --format sarif --format json -o "$tmp/mixed" 2>/dev/null
validate=(/usr/bin/python3 tests/support/validate_json.py)
"${validate[@]}" "$schemas/sarif-schema-2.1.0.json" "$tmp/mixed/report.sarif" 2>"$tmp/js.err" && ok "plan SARIF validates" || bad "plan SARIF invalid: $(head -3 "$tmp/js.err")"
"${validate[@]}" docs/report.schema.json "$tmp/mixed/report.json" 2>"$tmp/js.err" && ok "plan JSON report validates" || bad "plan JSON invalid: $(head -3 "$tmp/js.err")"
if python3 - "$tmp/mixed/report.sarif" "$ex/mixed-modules/plan.json" <<'PY'
import json, sys
sarif = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
results = sarif["runs"][0]["results"]
assert results, "no results"
for r in results:
    loc = r["locations"][0]
    name = loc["logicalLocations"][0]["fullyQualifiedName"]
    assert loc["logicalLocations"][0]["kind"] == "resource"
    phys = loc["physicalLocation"]
    assert phys["artifactLocation"]["uri"].endswith("examples/terraform/mixed-modules/plan.json"), phys
    line = lines[phys["region"]["startLine"] - 1]
    col = phys["region"]["startColumn"]
    assert line[col - 1] == "{", (name, line)
    # the entry that starts there is the resource's own
    assert json.dumps(name) in lines[phys["region"]["startLine"]], (name, lines[phys["region"]["startLine"]])
PY
then ok "SARIF names each address and points at its entry in the plan"; else bad "SARIF locations of a plan"; fi

# 3. Exit codes and input forms.
expect_rc 0 "a plan in Germany passes gdpr-eea-residency" "$bin" -q audit --terraform "$shared/P1.json" --policy gdpr-eea-residency --as-of 2026-11-30
expect_rc 0 "a plan can come on standard input" bash -c "'$bin' -q audit --terraform - --policy gdpr-eea-residency --as-of 2026-11-30 < '$shared/P1.json'"
grep -q "azurerm_kubernetes_cluster.aks" "$tmp/out" && ok "the stdin plan's resources are judged" || bad "stdin plan: $(head -3 "$tmp/out")"
expect_rc 2 "a plan with no policy is a configuration error" "$bin" -q audit --terraform "$shared/P1.json"
grep -q "names no policy; expected --policy ID" "$tmp/err" && ok "the missing policy is named" || bad "no message: $(cat "$tmp/err")"
expect_rc 2 "--tag needs KEY=VALUE" "$bin" -q audit --terraform "$shared/P1.json" --policy gdpr-eea-residency --tag health

# 4. A malformed plan: exit 2, the JSON location in the message, nothing written.
python3 - "$ex/aws-eu-west-3/plan.json" "$tmp/bad-plan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["resource_changes"][3]["change"]["after"] = "eu-west-3"
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
expect_rc 2 "a malformed plan is a data error" "$bin" -q audit --terraform "$tmp/bad-plan.json" --policy fr-health-data --format json -o "$tmp/never.json"
grep -q "bad-plan.json: resource_changes\[3\].change.after: is a string; expected an object or null" "$tmp/err" \
  && ok "the error names the JSON location" || bad "error message: $(cat "$tmp/err")"
[[ ! -e $tmp/never.json ]] && ok "nothing is written for a malformed plan" || bad "a report was written for a malformed plan"
printf '{"format_version": "1.2", "resource_changes": [\n  {"address": ' >"$tmp/trunc.json"
expect_rc 2 "a truncated plan is a data error" "$bin" -q audit --terraform "$tmp/trunc.json" --policy fr-health-data
grep -q "trunc.json:2:.*invalid JSON" "$tmp/err" && ok "the truncated plan's error has line:column" || bad "error: $(cat "$tmp/err")"

# 5. Procurement: fr-health-data before and after Outscale's SecNumCloud qualification expires.
for date in 2026-11-30 2026-12-01; do
  "$bin" -q compare --policy fr-health-data --as-of "$date" --format markdown -o "$tmp/compare-$date.md" 2>"$tmp/compare.err" \
    && ok "compare on $date" || bad "compare on $date: $(head -3 "$tmp/compare.err")"
  golden "$tmp/compare-$date.md" "examples/procurement/fr-health-data-$date.md"
done
"$bin" -q compare --policy fr-health-data --as-of 2026-12-01 --format html -o "$tmp/compare.html"
if grep -qE '<(script|link|img|iframe)|src=|@import|url\(' "$tmp/compare.html"; then bad "the comparison HTML loads something"; else ok "the comparison HTML is self-contained"; fi
"$bin" -q compare --policy fr-health-data --as-of 2026-12-01 --format csv -o "$tmp/compare.csv"
python3 - "$tmp/compare.csv" <<'PY' && ok "the comparison CSV has a row per offer and two columns per requirement" || bad "comparison CSV"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert len(rows[0]) == 9 + 2 * 6, rows[0]
assert all(len(r) == len(rows[0]) for r in rows)
outscale = [r for r in rows if r[2] == "outscale-iaas"][0]
i = rows[0].index("HDH-SECNUMCLOUD")
assert outscale[i] == "fail" and "expired on 2026-11-30" in outscale[i + 1], outscale
PY
"$bin" -q compare --policy fr-health-data --as-of 2026-12-01 --format json -o "$tmp/compare.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"] == "residency/compare/v1" and d["offers"][0]["counts"]["pass"] >= d["offers"][-1]["counts"]["pass"]' "$tmp/compare.json" \
  && ok "the comparison JSON parses, best offers first" || bad "comparison JSON"
expect_rc 2 "compare with an unknown provider is a usage error" "$bin" -q compare --policy fr-health-data --providers ovhclod
grep -q "did you mean 'ovhcloud'" "$tmp/err" && ok "the unknown provider gets a hint" || bad "no hint: $(cat "$tmp/err")"
expect_rc 2 "compare with an unknown format is a usage error" "$bin" -q compare --policy fr-health-data --format pdf

# A plan that creates nothing (a delete, a data source, a no-op) is an expected empty audit: exit 0
# and a warning; a plan whose resources nothing selects stays an error (truthful-verdicts issue).
cat >"$tmp/nothing.json" <<'JSON'
{"format_version": "1.2", "terraform_version": "1.9.0",
 "resource_changes": [
  {"address": "azurerm_storage_account.old", "mode": "managed", "type": "azurerm_storage_account", "name": "old",
   "provider_name": "registry.terraform.io/hashicorp/azurerm",
   "change": {"actions": ["delete"], "before": {"location": "francecentral"}, "after": null}},
  {"address": "data.azurerm_client_config.current", "mode": "data", "type": "azurerm_client_config", "name": "current",
   "provider_name": "registry.terraform.io/hashicorp/azurerm", "change": {"actions": ["read"], "before": null, "after": {}}}
 ]}
JSON
expect_rc 0 "a plan that creates nothing is an empty audit, exit 0" "$bin" audit --terraform "$tmp/nothing.json" --policy fr-health-data
grep -q "creates or changes no resource" "$tmp/err" && ok "... and says so" || bad "no warning for the empty plan: $(head -3 "$tmp/err")"
expect_rc 2 "a plan whose resources no requirement selects is still an error" "$bin" -q audit --terraform "$ex/ovhcloud/plan.json" --policy fr-health-data

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
