#!/usr/bin/env bash
# End-to-end tests of `residency audit` through the real binary: live DNS against nsd on
# 127.0.0.1 (the flagship example's zones), replay byte-identical to the live run, every exit
# code, schema validation of SARIF and JUnit, and golden text/markdown reports of the flagship.
# The GeoIP data is built from fixed, dated inputs so the goldens never change when a provider's
# feed does: providers.mmdb by `residency data update` from ../shared/data/cloud-ip-ranges-2026
# (the 2026 feeds, verbatim), country.mmdb and asn.mmdb from the pinned npm packages
# (geoip/data.lock) as set-up installed them. The schemas are read from ../shared/schemas.
# Usage: audit_cli.sh RESIDENCY_BINARY SOURCE_DIR   (RESIDENCY_UPDATE_GOLDEN=1 rewrites goldens)
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$root/tests/cli/checks.sh"
ex=examples/health-data-hub
replay=(audit "$ex/audit.yaml" --facts "$ex/facts.json")

# Third-party reference files: $RESIDENCY_SHARED_DIR, else ../shared beside the checkout, else
# build/shared (scripts/fetch-reference-files.sh); a missing one fails the run naming it.
shared=${RESIDENCY_SHARED_DIR:-$(dirname "$root")/shared}
[[ -n ${RESIDENCY_SHARED_DIR:-} || -d $shared ]] || shared=$root/build/shared
for f in schemas/sarif-schema-2.1.0.json schemas/junit.xsd data/cloud-ip-ranges-2026/ip-ranges.json; do
  [[ -f $shared/$f ]] || { echo "FAILED: missing third-party reference file $shared/$f (put the shared data set beside the checkout as ../shared, or set RESIDENCY_SHARED_DIR)"; exit 1; }
done
sarif_schema=$shared/schemas/sarif-schema-2.1.0.json
junit_xsd=$shared/schemas/junit.xsd

# Fixed, dated GeoIP data in $tmp/geoip, used by every command below (RESIDENCY_GEOIP).
geo=$tmp/geoip
if ! "$bin" -q data update --geoip "$geo" --kind provider-feed --mirror "$shared/data/cloud-ip-ranges-2026" >"$tmp/update.out" 2>&1; then
  echo "FAILED: data update from $shared/data/cloud-ip-ranges-2026"; sed 's/^/    /' "$tmp/update.out" | tail -5; exit 1
fi
declare -A package=([country]=@ip-location-db/geo-whois-asn-country-mmdb [asn]=@ip-location-db/asn)
for db in country asn; do
  pinned=$(awk -v want="${package[$db]}" '$1 == want {print $2}' geoip/data.lock)
  have=$("$bin" -q data status --geoip "geoip/data/$db.mmdb" --format json 2>/dev/null |
         python3 -c 'import json,sys; print(json.load(sys.stdin)["databases"][0]["data_sources"][0]["serial"])' 2>/dev/null || true)
  if [[ -z $pinned || $have != "$pinned" ]]; then
    echo "FAILED: geoip/data/$db.mmdb is not built from the pinned ${package[$db]} ${pinned:-?} (found '$have'); run scripts/fetch-geoip.sh"
    exit 1
  fi
  cp "geoip/data/$db.mmdb" "$geo/"
done
export RESIDENCY_GEOIP=$geo

# 1. Live against nsd, then replay: byte-identical JSON.
if "$ex/record.sh" "$bin" "$tmp" 2>"$tmp/rec.err"; then
  "$bin" -q audit "$ex/audit.yaml" --facts "$tmp/facts.json" --format json -o "$tmp/replay.json"
  if cmp -s "$tmp/live.json" "$tmp/replay.json"; then ok "replay is byte-identical to the live run"; else bad "replay differs from the live run"; fi
else
  bad "live run against nsd failed"; sed 's/^/    /' "$tmp/rec.err" | tail -5
fi

# 2. `residency probe` prints the evidence chain against the same nsd.
port=$("$ex/nsd.sh" start "$tmp/nsd")
"$bin" -q probe plateforme.donnees-sante.example --resolver "127.0.0.1:$port" --as-of 2026-11-30 >"$tmp/probe.txt" 2>"$tmp/probe.err"
prc=$?
"$bin" -q probe nx.donnees-sante.example 51.210.10.10 --resolver "127.0.0.1:$port" --format json >"$tmp/probe.json" 2>>"$tmp/probe.err"
nxrc=$?
"$bin" -q probe entrepot.donnees-sante.example --resolver "127.0.0.1:$((port == 65535 ? 1 : port + 1))" --timeout 300ms --retries 0 >"$tmp/probe-timeout.txt" 2>>"$tmp/probe.err"
torc=$?
"$ex/nsd.sh" stop "$tmp/nsd"
chain="plateforme.donnees-sante.example → CNAME hdh-prod.francecentral.cloudapp.azure.com → 4.178.10.20 (azure:francecentral, FR by region) → Microsoft Azure → Microsoft Corporation (US) →"
if [[ $prc -eq 0 ]] && grep -qF "$chain" "$tmp/probe.txt" && grep -q "served_from.regions *azure:francecentral" "$tmp/probe.txt"; then
  ok "probe prints the chain name → CNAME → address → provider → entity (country) → laws"
else bad "probe chain (exit $prc): $(head -3 "$tmp/probe.txt") $(head -3 "$tmp/probe.err")"; fi
if python3 - "$tmp/probe.json" <<'PY'
import json, sys
t = {x["value"]: x["facts"] for x in json.load(open(sys.argv[1]))["targets"]}
assert t["nx.donnees-sante.example"]["dns.status"]["values"] == ["nxdomain"], t["nx.donnees-sante.example"]["dns.status"]
assert t["nx.donnees-sante.example"]["served_from.countries"]["status"] == "unknown"
ovh = t["51.210.10.10"]
assert ovh["controlled_by.providers"]["values"] == ["ovhcloud"], ovh["controlled_by.providers"]
assert ovh["controlled_by.laws"]["values"] == [] and ovh["controlled_by.laws"]["status"] == "known"
assert ovh["served_from.countries"]["values"] == ["FR"]
PY
then ok "probe json: NXDOMAIN is an unknown location; an OVH address is FR, ovhcloud, no law"; else bad "probe json facts"; fi
grep -q "dns.status *timeout" "$tmp/probe-timeout.txt" && grep -q "served_from.countries *? (unknown: entrepot.donnees-sante.example was not observed (dns lookup timeout: unreachable)" "$tmp/probe-timeout.txt" \
  && ok "probe against a dead resolver says timeout/unreachable and location unknown" || bad "probe timeout: $(cat "$tmp/probe-timeout.txt")"

[[ $nxrc -eq 3 ]] && grep -q "could not resolve nx.donnees-sante.example (nxdomain)" "$tmp/probe.err" \
  && ok "probe exits 3 naming a target that did not resolve" || bad "probe of an NXDOMAIN name: exit $nxrc"
[[ $torc -eq 3 ]] && ok "probe exits 3 when the resolver does not answer" || bad "probe against a dead resolver: exit $torc"

# 3. Exit codes.
for cmd in audit probe diff compare rules geoip "rules list" "geoip lookup"; do
  # shellcheck disable=SC2086
  "$bin" $cmd --help >"$tmp/help.txt" 2>&1
  case $cmd in
    audit) want="3  audit incomplete" ;; probe) want="3  a target could not be resolved" ;;
    diff) want="1  new failures" ;; compare) want="0  the comparison was written" ;;
    rules*) want="0  the rules load" ;; geoip*) want="2  usage error, or a database" ;;
  esac
  if grep -qF "$want" "$tmp/help.txt" && { [[ $cmd == audit ]] || ! grep -q "audit incomplete" "$tmp/help.txt"; }; then
    ok "'$cmd --help' shows its own exit codes"
  else bad "'$cmd --help' exit codes: $(grep -A5 'Exit codes' "$tmp/help.txt" | head -6)"; fi
done
expect_rc 2 "a mistyped subcommand is a usage error" "$bin" audti "$ex/audit.yaml"
grep -q "did you mean 'audit'" "$tmp/err" && ok "a mistyped subcommand gets a hint" || bad "no hint in: $(cat "$tmp/err")"
expect_rc 2 "a mistyped option is a usage error" "$bin" -q "${replay[@]}" --formt json
grep -q "did you mean '--format'" "$tmp/err" && ok "a mistyped option gets a hint" || bad "no hint in: $(cat "$tmp/err")"
expect_rc 2 "a mistyped --color is a usage error" "$bin" --color sometimes -q "${replay[@]}"
"$bin" --color always -q "${replay[@]}" >"$tmp/colour.txt" 2>/dev/null
grep -q $'\x1b\[' "$tmp/colour.txt" && ok "--color always colours a report sent to a pipe" || bad "--color always gave no colour"
NO_COLOR= "$bin" -q "${replay[@]}" >"$tmp/plain.txt" 2>/dev/null
! grep -q $'\x1b\[' "$tmp/plain.txt" && ok "stdout not a terminal: no colour" || bad "colour in a pipe"
expect_rc 1 "flagship has proven failures" "$bin" -q "${replay[@]}"
expect_rc 1 "--fail-on critical still fails on CLOUD Act exposure" "$bin" -q "${replay[@]}" --fail-on critical
cat > "$tmp/clean.yaml" <<'YAML'
schema: residency/manifest/v1
policies: [fr-health-data]
targets:
  - host: entrepot.donnees-sante.example
    tags: {classification: health, offer: ovhcloud-hpc-snc}
YAML
expect_rc 0 "a SecNumCloud-qualified OVHcloud offer passed fr-health-data while its 2018 HDS certificate ran" "$bin" -q audit "$tmp/clean.yaml" --facts "$ex/facts.json" --as-of 2026-04-30
expect_rc 1 "... and fails on the recording's date, its HDS certificate having lapsed in May 2026" "$bin" -q audit "$tmp/clean.yaml" --facts "$ex/facts.json"
cat > "$tmp/unknown.yaml" <<'YAML'
schema: residency/manifest/v1
policies: [gdpr-eea-residency]
targets:
  - host: absent.donnees-sante.example
YAML
expect_rc 3 "an unobserved host is unknown and counts as a failure" "$bin" -q audit "$tmp/unknown.yaml" --facts "$ex/facts.json"
expect_rc 0 "--no-fail-on-unknown lets unknowns through" "$bin" -q audit "$tmp/unknown.yaml" --facts "$ex/facts.json" --no-fail-on-unknown
printf 'schema: residency/manifest/v1\ntargets:\n  - hots: x.example\n' > "$tmp/broken.yaml"
expect_rc 0 "--fail-on none: proven failures are reported, exit 0" "$bin" -q "${replay[@]}" --fail-on none
expect_rc 0 "--fail-on none: counted unknowns too" "$bin" -q audit "$tmp/unknown.yaml" --facts "$ex/facts.json" --fail-on none
expect_rc 2 "--fail-on none never hides a configuration error" "$bin" -q "${replay[@]}" --fail-on none --policy fr-helth-data
expect_rc 2 "a mistyped --fail-on is a usage error" "$bin" -q "${replay[@]}" --fail-on hihg
grep -q "did you mean 'high'" "$tmp/err" && ok "a mistyped --fail-on gets a hint" || bad "no hint in: $(cat "$tmp/err")"
expect_rc 2 "--sarif-root must be a folder" "$bin" -q "${replay[@]}" --format sarif --sarif-root "$tmp/none"
"$bin" -q "${replay[@]}" --format sarif --sarif-root "$ex" -o "$tmp/rooted.sarif"
python3 - "$tmp/rooted.sarif" "$root/$ex" <<'PY' && ok "--sarif-root: locations relative to it, with %SRCROOT% declared" || bad "--sarif-root locations"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + sys.argv[2] + "/", run["originalUriBaseIds"]
uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for l in r["locations"]}
assert uris == {"audit.yaml"}, uris
PY
expect_rc 2 "a broken manifest is a configuration error" "$bin" -q audit "$tmp/broken.yaml" --facts "$ex/facts.json"
grep -q "broken.yaml:3:5" "$tmp/err" && ok "the manifest error names file:line:column" || bad "no file:line:column in: $(cat "$tmp/err")"
expect_rc 2 "an unknown policy is a configuration error" "$bin" -q "${replay[@]}" --policy fr-helth-data
grep -q "did you mean 'fr-health-data'" "$tmp/err" && ok "unknown policy gets a hint" || bad "no hint in: $(cat "$tmp/err")"
expect_rc 2 "a missing facts file is an error" "$bin" -q audit "$ex/audit.yaml" --facts "$tmp/none.json"
echo '{"schema": "residency/facts/v1", "dns": [' > "$tmp/trunc.json"
expect_rc 2 "a truncated facts file is an error" "$bin" -q audit "$ex/audit.yaml" --facts "$tmp/trunc.json"
expect_rc 2 "an unknown format is a usage error" "$bin" -q "${replay[@]}" --format sarfi
expect_rc 2 "a bad --as-of is a usage error" "$bin" -q "${replay[@]}" --as-of 2026-13-01
expect_rc 2 "a malformed --connect-to is a usage error" "$bin" -q "${replay[@]}" --connect-to 1.2.3.4:443
expect_rc 2 "a missing --ca-file is a usage error" "$bin" -q "${replay[@]}" --ca-file "$tmp/none.pem"
expect_rc 2 "an --https-timeout without a unit is a usage error" "$bin" -q "${replay[@]}" --https-timeout 5
"$bin" -q probe https://127.0.0.1:9/ >"$tmp/ssrf.txt" 2>&1
grep -q "tls.terminated_by *? (unknown: refused to connect to 127.0.0.1: special-use address (loopback, RFC 1122); pass --allow-private" "$tmp/ssrf.txt" \
  && ok "probe refuses a loopback URL without --allow-private, and says so" || bad "probe of a loopback URL: $(head -12 "$tmp/ssrf.txt")"

# 4. Baseline: the same run as baseline leaves nothing new → exit 0; diff of a run with itself.
"$bin" -q "${replay[@]}" --format json -o "$tmp/base.json"
expect_rc 0 "with itself as baseline nothing is new" "$bin" -q "${replay[@]}" --baseline "$tmp/base.json"
expect_rc 0 "diff of a report with itself shows nothing new" "$bin" diff "$tmp/base.json" "$tmp/base.json"

# 5. Every format; SARIF and JUnit validate against their schemas; counts agree.
"$bin" -q "${replay[@]}" --format json --format sarif --format junit --format csv --format markdown --format html --format text -o "$tmp/all"
validate=(/usr/bin/python3 tests/support/validate_json.py)
if "${validate[@]}" "$sarif_schema" "$tmp/all/report.sarif" 2>"$tmp/js.err"; then ok "SARIF validates"; else bad "SARIF invalid: $(head -3 "$tmp/js.err")"; fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["runs"][0]["results"][0].pop("message"); json.dump(d, open(sys.argv[2], "w"))' "$tmp/all/report.sarif" "$tmp/broken.sarif"
if "${validate[@]}" "$sarif_schema" "$tmp/broken.sarif" 2>/dev/null; then bad "the SARIF check accepted a result without a message"; else ok "the SARIF check rejects a result without a message"; fi
if xmllint --noout --schema "$junit_xsd" "$tmp/all/report.xml" 2>"$tmp/xl.err"; then ok "JUnit validates"; else bad "JUnit invalid: $(head -3 "$tmp/xl.err")"; fi
sed 's/<testsuite name="[^"]*"/<testsuite/' "$tmp/all/report.xml" > "$tmp/broken.junit"
if xmllint --noout --schema "$junit_xsd" "$tmp/broken.junit" 2>/dev/null; then bad "the JUnit check accepted a suite without a name"; else ok "the JUnit check rejects a suite without a name"; fi
if "${validate[@]}" docs/report.schema.json "$tmp/all/report.json" 2>"$tmp/js2.err"; then ok "JSON report validates"; else bad "JSON invalid: $(head -3 "$tmp/js2.err")"; fi
counts=$(python3 - "$tmp/all" <<'PY'
import csv, json, sys, re
d = sys.argv[1]
j = json.load(open(f"{d}/report.json"))["counts"]
want = (j["pass"], j["fail"], j["unknown"], j["waived"])
rows = list(csv.DictReader(open(f"{d}/report.csv")))
vcol = [c for c in rows[0] if c.lower() == "verdict"][0]
c = tuple(sum(1 for r in rows if r[vcol] == v) for v in ("pass", "fail", "unknown", "waived"))
x = open(f"{d}/report.xml").read()
jun = (x.count("<failure") + x.count("<error"), )
txt = open(f"{d}/report.text").read()
m = re.search(r"(\d+) pass, (\d+) fail, (\d+) unknown, (\d+) waived", txt)
t = tuple(int(g) for g in m.groups())
print("agree" if want == c == t and sum(want) == len(rows) else f"disagree json={want} csv={c} text={t}")
PY
)
[[ $counts == agree ]] && ok "verdict counts agree across json, csv and text" || bad "$counts"

# 6. Goldens of the flagship (text and markdown).
for fmt in text markdown; do
  golden=tests/cli/golden/flagship.$fmt
  "$bin" -q "${replay[@]}" --format "$fmt" -o "$tmp/flagship.$fmt"
  if [[ ${RESIDENCY_UPDATE_GOLDEN:-} == 1 ]]; then cp "$tmp/flagship.$fmt" "$golden"; ok "golden $fmt rewritten";
  elif cmp -s "$tmp/flagship.$fmt" "$golden"; then ok "golden $fmt";
  else bad "golden $fmt differs (RESIDENCY_UPDATE_GOLDEN=1 rewrites it)"; diff "$golden" "$tmp/flagship.$fmt" | head -10; fi
done

finish
