#!/bin/sh
# terraform_plan.sh: wall time and peak memory of `residency audit --terraform` on a generated
# plan of N managed resources (default 10,000). The plan is written by the script: format 1.2,
# one line like `terraform show -json` output, resources spread over 100 modules under for_each,
# four providers (aws through var.region and an alias, azurerm display names, google zones,
# scaleway through a module's provider block), a tenth of them global (IAM), a tenth untagged,
# tags on every resource; judged against fr-health-data (every resource tagged health) with the
# text report written to /dev/null; then the same plan untagged (no requirement selects a
# resource: reading, locating and attributing only) and the JSON report. Memory is GNU time's
# maximum resident set size.
#   usage: bench/terraform_plan.sh [path/to/residency] [N]   (default: build/release/apps/residency/residency)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-"$here/build/release/apps/residency/residency"}
n=${2:-10000}
[ -x "$bin" ] || { echo "terraform_plan.sh: no executable at $bin; build a Release tree first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "terraform_plan.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$n" "$tmp/plan.json" "$tmp/untagged.json" <<'PY'
import json, sys
n, out, untagged = int(sys.argv[1]), sys.argv[2], sys.argv[3]
kinds = [
    ("registry.terraform.io/hashicorp/aws", "aws_s3_bucket", lambda i: {"bucket": f"b{i}"}, {"region": True}),
    ("registry.terraform.io/hashicorp/azurerm", "azurerm_storage_account", lambda i: {"name": f"st{i}", "location": "France Central"}, {}),
    ("registry.terraform.io/hashicorp/google", "google_compute_instance", lambda i: {"name": f"vm{i}", "zone": "europe-west9-b"}, {}),
    ("registry.terraform.io/scaleway/scaleway", "scaleway_object_bucket", lambda i: {"name": f"o{i}"}, {"region": True}),
]
changes, calls = [], {}
for i in range(n):
    module = f"m{i % 100}"
    key = f"site {i % 7}"
    if i % 10 == 9:
        src, typ, after, unknown = "registry.terraform.io/hashicorp/aws", "aws_iam_role", lambda i: {"name": f"r{i}"}, {}
    else:
        src, typ, after, unknown = kinds[i % 4]
    a = after(i)
    if i % 10 != 5:
        a["tags"] = {"classification": "health", "team": f"t{i % 13}"}
    name = f"r{i}"
    address = f'module.{module}["{key}"].{typ}.{name}'
    changes.append({"address": address, "module_address": f'module.{module}["{key}"]', "mode": "managed", "type": typ,
                    "name": name, "provider_name": src,
                    "change": {"actions": ["create"], "before": None, "after": a, "after_unknown": {"id": True, **unknown}}})
    local = typ.split("_")[0]
    calls.setdefault(module, []).append({"address": f"{typ}.{name}", "mode": "managed", "type": typ, "name": name,
                                         "provider_config_key": f"module.{module}:{local}"})
module_calls = {m: {"source": "./site", "for_each_expression": {"references": ["var.sites"]},
                    "expressions": {"region": {"references": ["var.scw_region"]}},
                    "module": {"resources": res, "variables": {"region": {}}}} for m, res in calls.items()}
provider_config = {
    "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"references": ["var.region"]}}},
    "azurerm": {"name": "azurerm", "full_name": "registry.terraform.io/hashicorp/azurerm", "expressions": {"features": [{}]}},
    "google": {"name": "google", "full_name": "registry.terraform.io/hashicorp/google", "expressions": {"project": {"constant_value": "p"}}},
}
for m in calls:
    provider_config[f"module.{m}:scaleway"] = {"name": "scaleway", "full_name": "registry.terraform.io/scaleway/scaleway",
                                               "module_address": f"module.{m}", "expressions": {"region": {"references": ["var.region"]}}}
plan = {"format_version": "1.2", "terraform_version": "1.9.8",
        "variables": {"region": {"value": "eu-west-3"}, "scw_region": {"value": "fr-par"}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"module_calls": module_calls}},
        "errored": False}
json.dump(plan, open(out, "w"), separators=(",", ":"))
for c in changes:
    c["change"]["after"].pop("tags", None)
json.dump(plan, open(untagged, "w"), separators=(",", ":"))
PY
size=$(wc -c < "$tmp/plan.json")
echo "plan: $n resources, $size bytes"
"$bin" -q audit --terraform "$tmp/plan.json" --policy fr-health-data --as-of 2026-11-30 >/dev/null 2>&1 || :
for run in 1 2 3; do
  /usr/bin/time -o "$tmp/time" -f "run $run: %e s wall, %M KiB peak RSS" \
    "$bin" -q audit --terraform "$tmp/plan.json" --policy fr-health-data --as-of 2026-11-30 >/dev/null 2>/dev/null || :
  grep -v "^Command exited" "$tmp/time"
done
# The same resources without tags: read, located and attributed, but no requirement selects them.
/usr/bin/time -o "$tmp/time" -f "untagged (no findings): %e s wall, %M KiB peak RSS" \
  "$bin" -q audit --terraform "$tmp/untagged.json" --policy fr-health-data --as-of 2026-11-30 --allow-empty >/dev/null 2>"$tmp/untagged.err" || :
grep -v "^Command exited" "$tmp/time"
echo "untagged: $(grep -c 'it is not judged' "$tmp/untagged.err") warnings that a resource is not judged"
/usr/bin/time -o "$tmp/time" -f "json report: %e s wall, %M KiB peak RSS" \
  "$bin" -q audit --terraform "$tmp/plan.json" --policy fr-health-data --as-of 2026-11-30 --format json -o "$tmp/report.json" 2>/dev/null || :
grep -v "^Command exited" "$tmp/time"
echo "json report: $(wc -c < "$tmp/report.json") bytes"
