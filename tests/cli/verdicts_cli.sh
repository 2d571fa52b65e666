#!/usr/bin/env bash
# End-to-end regression tests of the verdict issue through the real binary: typos in declared ids
# are configuration errors before anything is probed; special-use addresses are never located;
# declared tags never stand in for DNS that failed; partial answers (an AAAA that timed out, an MX
# host that failed) and half-attributed hosts are never complete; an audit with no finding is an
# error; several YAML documents are refused; certification status reaches every report format; a
# declared TLS terminator ends an IP target's audit. Live against nsd and a fault-injecting DNS
# server on 127.0.0.1, then replayed from the recorded facts, which must judge the same.
# Usage: verdicts_cli.sh RESIDENCY_BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
root=$(realpath "$2")
cd "$root"
tmp=$(mktemp -d)
faults_pid=
cleanup() {
  [[ -n $faults_pid ]] && kill "$faults_pid" 2>/dev/null
  examples/health-data-hub/nsd.sh stop "$tmp/nsd"
  rm -rf "$tmp"
}
trap cleanup EXIT
source "$root/tests/cli/checks.sh"
manifest() {  # manifest FILE POLICY TARGET-YAML…
  local file=$1 policy=$2; shift 2
  { echo "schema: residency/manifest/v1"; echo "policies: [$policy]"; echo "targets:"; printf '%s\n' "$@"; } > "$file"
}
[[ -f geoip/data/country.mmdb ]] || { echo "FAILED: default GeoIP data missing (scripts/fetch-geoip.sh)"; exit 1; }

# Servers: nsd with the test zone, and the fault server.
port=$(examples/health-data-hub/nsd.sh start "$tmp/nsd" tests/cli/zones)
cat > "$tmp/faults.json" <<'JSON'
{"names": {
  "half.faults.test": {"A": ["51.210.10.10"], "AAAA": "drop"},
  "mail.faults.test": {"MX": [[10, "a.mx.faults.test"], [20, "b.mx.faults.test"]]},
  "a.mx.faults.test": {"A": ["52.96.10.10"]},
  "b.mx.faults.test": {"rcode": "servfail"}
}}
JSON
python3 tests/fakes/dns_faults.py "$tmp/faults.json" "$tmp/faults.port" & faults_pid=$!
for _ in $(seq 100); do [[ -s $tmp/faults.port ]] && break; sleep 0.05; done
fport=$(cat "$tmp/faults.port")
live=(--as-of 2026-11-30 --timeout 300ms --retries 0)

# 1. Typos in declared ids: exit 2 with file:line:column and a did-you-mean, before any probe.
manifest "$tmp/typo-offer.yaml" fr-secnumcloud "  - host: ovh.verdicts.test" "    tags: {offer: ovhcloud-hpc-sncc}"
expect_rc 2 "a misspelt offer is a configuration error" "$bin" -q audit "$tmp/typo-offer.yaml" --resolver "127.0.0.1:1" "${live[@]}"
expect_in "$tmp/err" "typo-offer.yaml:5:19: unknown offer 'ovhcloud-hpc-sncc'" "the offer typo names file:line:column"
expect_in "$tmp/err" "(did you mean 'ovhcloud-hpc-snc'?)" "the offer typo gets a did-you-mean"
expect_in "$tmp/err" "nothing was probed" "nothing is probed after a typo"
manifest "$tmp/typo-provider.yaml" fr-secnumcloud "  - cloud_resource: {provider: ovh, region: gra, service: vm}"
expect_rc 2 "a misspelt provider is a configuration error" "$bin" -q audit "$tmp/typo-provider.yaml" "${live[@]}"
expect_in "$tmp/err" "unknown provider 'ovh' for target 'ovh:gra:vm' (did you mean 'ovhcloud'?)" "a provider prefix gets a did-you-mean"
manifest "$tmp/typo-region.yaml" fr-health-data "  - cloud_resource: {provider: azure, region: francecentrl, service: storage}" "    tags: {classification: health}"
expect_rc 2 "a misspelt region is a configuration error" "$bin" -q audit "$tmp/typo-region.yaml" "${live[@]}"
expect_in "$tmp/err" "typo-region.yaml:4:47: unknown region 'francecentrl' of provider 'azure'" "the region typo names file:line:column"
expect_in "$tmp/err" "(did you mean 'francecentral'?)" "the region typo gets a did-you-mean"

# 2. Special-use addresses are never located; a name resolving to one says so.
manifest "$tmp/private.yaml" gdpr-eea-residency "  - ip: 192.168.1.1" "  - ip: 172.16.0.1" "  - ip: 100.64.0.1" \
  "  - ip: 192.0.2.1" "  - ip: 198.51.100.1" "  - host: private.verdicts.test"
"$bin" -q audit "$tmp/private.yaml" --resolver "127.0.0.1:$port" "${live[@]}" --format json -o "$tmp/private.json"; rc=$?
if [[ $rc -eq 3 ]] && python3 - "$tmp/private.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d["targets"]:
    f = t["facts"]["served_from.countries"]
    assert f["status"] == "unknown" and "special-use address" in f["detail"], (t["id"], f)
assert all(x["verdict"] != "pass" for x in d["findings"] if x["requirement"] == "GDPR-EEA-LOC")
PY
then ok "special-use addresses and a name resolving to 10.0.0.1 are unknown with the reason (exit 3)"
else bad "special-use addresses (exit $rc)"; fi

# 3. Declared tags never stand in for DNS: NXDOMAIN (nsd), a timeout (dead resolver), absent from facts.
tagged=("  - host: tagged.verdicts.test" "    tags: {provider: ovhcloud, region: eu-west-par, offer: ovhcloud-hpc-snc}")
manifest "$tmp/tagged.yaml" fr-secnumcloud "${tagged[@]}"
expect_rc 3 "a tagged host that is NXDOMAIN is unknown, not a pass" "$bin" -q audit "$tmp/tagged.yaml" --resolver "127.0.0.1:$port" "${live[@]}" --save-facts "$tmp/tagged-facts.json"
expect_rc 3 "... and replayed" "$bin" -q audit "$tmp/tagged.yaml" --facts "$tmp/tagged-facts.json"
expect_rc 3 "a tagged host whose DNS timed out is unknown" "$bin" -q audit "$tmp/tagged.yaml" --resolver "127.0.0.1:$((port == 65535 ? 1 : port + 1))" "${live[@]}"
expect_rc 3 "a tagged host absent from the recorded facts is unknown" "$bin" -q audit "$tmp/tagged.yaml" --facts examples/health-data-hub/facts.json
"$bin" -q audit "$tmp/tagged.yaml" --facts "$tmp/tagged-facts.json" --format text -o "$tmp/tagged.txt"
expect_in "$tmp/tagged.txt" "was not observed (dns lookup nxdomain)" "the report says the name was not observed"

# 4. Partial DNS: AAAA timed out; one of two MX hosts SERVFAIL. Live, then replayed.
manifest "$tmp/half.yaml" no-extraterritorial-exposure "  - host: half.faults.test"
expect_rc 3 "an AAAA timeout leaves the host incomplete, not a pass" "$bin" -q audit "$tmp/half.yaml" --resolver "127.0.0.1:$fport" "${live[@]}" --save-facts "$tmp/half-facts.json"
expect_rc 3 "... and replayed" "$bin" -q audit "$tmp/half.yaml" --facts "$tmp/half-facts.json"
manifest "$tmp/mail.yaml" no-extraterritorial-exposure "  - mail_domain: mail.faults.test"
"$bin" -q audit "$tmp/mail.yaml" --resolver "127.0.0.1:$fport" "${live[@]}" --save-facts "$tmp/mail-facts.json" --format json -o "$tmp/mail.json"; rc=$?
# a.mx is Microsoft: EXT-US fails on what was seen; what was not seen keeps the rest unknown.
if [[ $rc -eq 1 ]] && python3 - "$tmp/mail.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {f["requirement"]: f for f in d["findings"]}
for req in ("EXT-CN", "EXT-OTHER"):
    assert v[req]["verdict"] == "unknown", (req, v[req])
    assert "MX host b.mx.faults.test" in v[req]["message"], v[req]["message"]
PY
then ok "one MX host failing leaves the mail domain's other exposures unknown"; else bad "partial MX (exit $rc)"; fi
expect_rc 1 "... and replayed the same" "$bin" -q audit "$tmp/mail.yaml" --facts "$tmp/mail-facts.json"

# 5. A complete list from half the addresses: an OVH address and one no provider claims.
manifest "$tmp/two.yaml" no-extraterritorial-exposure "  - host: two.verdicts.test"
expect_rc 3 "an unattributed address keeps the laws unknown (EXT-* not passed)" "$bin" -q audit "$tmp/two.yaml" --resolver "127.0.0.1:$port" "${live[@]}" --save-facts "$tmp/two-facts.json"
expect_rc 3 "... and replayed" "$bin" -q audit "$tmp/two.yaml" --facts "$tmp/two-facts.json"

# 6. No finding at all is an error unless expected.
printf 'ovh.verdicts.test\n' > "$tmp/hosts.txt"
expect_rc 2 "a list audited with fr-health-data (no requirement applies) is an error" "$bin" -q audit "$tmp/hosts.txt" --policy fr-health-data --resolver "127.0.0.1:$port" "${live[@]}"
expect_in "$tmp/err" "no requirement of fr-health-data applies to it (they select classification: health)" "the error says which tags the requirements select"
expect_rc 0 "--allow-empty accepts it" "$bin" -q audit "$tmp/hosts.txt" --policy fr-health-data --allow-empty --resolver "127.0.0.1:$port" "${live[@]}"
manifest "$tmp/misspelt-tag.yaml" fr-health-data "  - host: ovh.verdicts.test" "    tags: {clasification: health}"
expect_rc 2 "a misspelt tag that selects nothing is an error" "$bin" -q audit "$tmp/misspelt-tag.yaml" --resolver "127.0.0.1:$port" "${live[@]}"
mkdir -p "$tmp/override"
cat > "$tmp/override/empty.yaml" <<'YAML'
schema: residency/v1
kind: policy
id: gdpr-eea-residency
title: Emptied by an override pack
requirements: []
YAML
manifest "$tmp/plain.yaml" gdpr-eea-residency "  - host: ovh.verdicts.test"
expect_rc 2 "an override pack with no requirement is an error" "$bin" -q audit "$tmp/plain.yaml" --rules "$tmp/override" --resolver "127.0.0.1:$port" "${live[@]}"

# 7. Several YAML documents are refused.
{ cat "$tmp/plain.yaml"; echo "---"; cat "$tmp/plain.yaml"; } > "$tmp/two-docs.yaml"
expect_rc 2 "a second YAML document is refused" "$bin" -q audit "$tmp/two-docs.yaml" --facts examples/health-data-hub/facts.json
expect_in "$tmp/err" "two-docs.yaml:6:1: a second YAML document starts here" "the refusal names the second document"

# 8. Certification status in every format: an expired one (Outscale, 2026-12-01) and one that
#    lapses within 30 days (OVHcloud Hosted Private Cloud, 2026-12-29).
manifest "$tmp/certs.yaml" fr-secnumcloud \
  "  - cloud_resource: {provider: outscale, region: cloudgouv-eu-west-1, service: iaas, offer: outscale-iaas}" \
  "    id: osc" "    tls_terminated_by: origin" \
  "  - cloud_resource: {provider: ovhcloud, region: eu-west-par, service: hpc, offer: ovhcloud-hpc-snc}" \
  "    id: ovh" "    tls_terminated_by: origin"
"$bin" -q audit "$tmp/certs.yaml" --as-of 2026-12-01 --format text --format json --format sarif --format junit \
  --format markdown --format html --format csv -o "$tmp/certs" 2>"$tmp/certs.err"
for f in report.text report.json report.sarif report.xml report.md report.html report.csv; do
  expect_in "$tmp/certs/$f" "SecNumCloud qualification of outscale-iaas (ANSSI decision 2118) expired on 2026-11-30" "$f names the expired qualification"
  expect_in "$tmp/certs/$f" "2026-12-29" "$f names the qualification that lapses on 2026-12-29"
done
expect_in "$tmp/certs/report.text" "SecNumCloud qualification of ovhcloud-hpc-snc (ANSSI decision 2279) ends on 2026-12-29, in 28 days" "the text report warns of the lapse within 30 days"
if grep -q "expired on 2026-11-30, before --as-of" "$tmp/certs.err"; then bad "the rule-pack history note still prints on stderr"; else ok "the history note moved into the reports"; fi
"$bin" -q rules list --kind provider --as-of 2026-12-01 >/dev/null 2>"$tmp/list.err"
if [[ -s $tmp/list.err ]]; then bad "rules list prints rule-pack notes: $(head -2 "$tmp/list.err")"; else ok "rules list prints no note it does not use"; fi

# 9. A declared TLS terminator ends an IP target's audit without exit 3.
manifest "$tmp/ip.yaml" no-extraterritorial-exposure "  - ip: 51.210.10.10" "    tls_terminated_by: origin"
expect_rc 0 "an OVH address with tls_terminated_by: origin passes every EXT requirement" "$bin" -q audit "$tmp/ip.yaml" --as-of 2026-11-30
manifest "$tmp/ip-undeclared.yaml" no-extraterritorial-exposure "  - ip: 51.210.10.10"
expect_rc 3 "without the declaration EXT-TLS stays unknown" "$bin" -q audit "$tmp/ip-undeclared.yaml" --as-of 2026-11-30
manifest "$tmp/ip-typo.yaml" no-extraterritorial-exposure "  - ip: 51.210.10.10" "    tls_terminated_by: orign"
expect_rc 2 "a misspelt TLS terminator is a configuration error" "$bin" -q audit "$tmp/ip-typo.yaml" --as-of 2026-11-30
expect_in "$tmp/err" "(did you mean 'origin'?)" "the TLS terminator typo gets a did-you-mean"

finish
