#!/usr/bin/env bash
# (Re)create the seed corpora of tests/fuzz/corpus/<target>/ from the project's own fixtures
# (tests/data, examples, rules) and from small inputs written here, in each format. No third-party
# file is copied: the feed samples below are our own, with documentation prefixes (RFC 5737 and
# RFC 3849), and the .mmdb seeds are written by our writer (`residency geoip build`).
# Usage: tests/fuzz/make-seeds.sh [RESIDENCY_BINARY]   (default: the first built one under build/)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=tests/fuzz/corpus
export SOURCE_DATE_EPOCH=1764547200  # 2025-12-01: the .mmdb seeds are reproducible
residency=${1:-$(ls build/{asan,debug,release}/apps/residency/residency 2>/dev/null | head -1 || true)}
[[ -x "$residency" ]] || { echo "make-seeds: no residency binary; build one or pass its path" >&2; exit 2; }

fresh() { rm -rf "${corpus:?}/$1"; mkdir -p "$corpus/$1"; }
# copy TARGET FILE…: copy fixtures, named after their path so that names stay unique.
copy() {
  local target=$1; shift
  for f in "$@"; do cp "$f" "$corpus/$target/$(echo "$f" | tr '/' '_')"; done
}

fresh rules
copy rules $(find tests/data/rules-min tests/data/rules-broken rules -name '*.yaml' | sort)
# The broken packs again, over the shipped packs (tests/fuzz/rules.cpp reads this first line).
for f in tests/data/rules-broken/*.yaml; do
  { echo "# over-shipped"; cat "$f"; } > "$corpus/rules/over-shipped_$(basename "$f")"
done

fresh manifest
copy manifest tests/data/manifests/full.yaml tests/data/manifests/broken/*.yaml examples/*/audit.yaml

fresh terraform_plan
copy terraform_plan tests/data/terraform/*.json

fresh facts
copy facts examples/*/facts.json
cat > "$corpus/facts/mixed.json" <<'JSON'
{"schema": "residency/facts/v1", "tool_version": "0.1.0", "started_at": "2026-12-01T10:00:00Z",
 "as_of": "2026-12-01", "host": "ci",
 "dns": [
  {"name": "www.example.fr", "ascii_name": "www.example.fr", "unicode_name": "www.example.fr",
   "status": "ok", "a_status": "ok", "aaaa_status": "nodata",
   "addresses": [{"ip": "192.0.2.10", "ptr": ["host.example.fr"], "ttl": 300}], "cname_chain": ["edge.example.net"],
   "ns": ["ns1.example.fr"], "ns_zone": "example.fr", "ns_status": "ok",
   "mx": [{"preference": 10, "host": "mx.example.fr"}], "mx_status": "ok",
   "resolver": "127.0.0.1:5353", "time": "2026-12-01T10:00:01Z"},
  {"name": "gone.example.fr", "status": "nxdomain", "detail": "no such name", "resolver": "127.0.0.1:5353"},
  {"name": "slow.example.fr", "status": "timeout", "detail": "unreachable", "resolver": "127.0.0.1:5353"}
 ]}
JSON

fresh ranges_asn_csv
printf '192.0.2.0,192.0.2.255,64496,"Example ""Docs"" Net"\n198.51.100.0,198.51.100.127,64497,Example Two\n2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64498,Example Six\n' \
  > "$corpus/ranges_asn_csv/ranges.csv"
printf '203.0.113.0/24,64499,CIDR form\r\n' > "$corpus/ranges_asn_csv/cidr.csv"

fresh ranges_aws
cat > "$corpus/ranges_aws/ip-ranges.json" <<'JSON'
{"syncToken": "1", "createDate": "2026-12-01-00-00-00",
 "prefixes": [
  {"ip_prefix": "192.0.2.0/24", "region": "eu-west-3", "service": "EC2", "network_border_group": "eu-west-3"},
  {"ip_prefix": "192.0.2.0/24", "region": "eu-west-3", "service": "AMAZON", "network_border_group": "eu-west-3"},
  {"ip_prefix": "198.51.100.0/25", "region": "GLOBAL", "service": "CLOUDFRONT", "network_border_group": "GLOBAL"}],
 "ipv6_prefixes": [
  {"ipv6_prefix": "2001:db8:10::/48", "region": "eu-west-3", "service": "S3", "network_border_group": "eu-west-3"}]}
JSON

fresh ranges_azure
cat > "$corpus/ranges_azure/servicetags.json" <<'JSON'
{"changeNumber": 1, "cloud": "Public",
 "values": [
  {"name": "AzureCloud", "id": "AzureCloud", "properties": {"changeNumber": 1, "region": "", "regionId": 0,
   "platform": "Azure", "systemService": "", "addressPrefixes": ["192.0.2.0/24", "198.51.100.0/24"]}},
  {"name": "AzureCloud.centralfrance", "id": "AzureCloud.centralfrance", "properties": {"changeNumber": 1,
   "region": "centralfrance", "regionId": 19, "platform": "Azure", "systemService": "",
   "addressPrefixes": ["192.0.2.0/25", "2001:db8:20::/48"]}},
  {"name": "Storage.FranceCentral", "id": "Storage.FranceCentral", "properties": {"changeNumber": 1,
   "region": "centralfrance", "regionId": 19, "platform": "Azure", "systemService": "AzureStorage",
   "addressPrefixes": ["192.0.2.0/26"]}}]}
JSON

fresh ranges_gcp
cat > "$corpus/ranges_gcp/cloud.json" <<'JSON'
{"syncToken": "1", "creationTime": "2026-12-01T00:00:00.000000",
 "prefixes": [
  {"ipv4Prefix": "192.0.2.0/24", "service": "Google Cloud", "scope": "europe-west9"},
  {"ipv6Prefix": "2001:db8:30::/48", "service": "Google Cloud", "scope": "us-central1"}]}
JSON

fresh ranges_csv
copy ranges_csv tests/data/ranges/plain.csv

fresh mmdb
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$residency" geoip build --from "asn-csv:$corpus/ranges_asn_csv/ranges.csv" -o "$corpus/mmdb/asn.mmdb" >/dev/null
"$residency" geoip build --from "aws:$corpus/ranges_aws/ip-ranges.json" \
  --from "azure:$corpus/ranges_azure/servicetags.json" -o "$corpus/mmdb/providers.mmdb" >/dev/null
"$residency" geoip build --from "csv:tests/data/ranges/plain.csv" -o "$corpus/mmdb/plain.mmdb" >/dev/null

fresh predicate
p() { printf '%s\n%%%%\n%s\n' "$2" "$3" > "$corpus/predicate/$1.txt"; }
p in-set '{fact: served_from.countries, in: "@EEA"}' 'served_from.countries|known||FR,DE|'
p not-in '{fact: controlled_by.laws, not_in: [us-cloud-act, us-fisa-702]}' 'controlled_by.laws|unknown|p|us-cloud-act|'
p all-any $'all:\n  - any: [{fact: dns.status, equals: ok}, {fact: target.kind, equals: host}]\n  - not: {fact: tls.terminated_by, exists: true}' \
  $'dns.status|known||ok|\ntarget.kind|known|d|host|\ntls.terminated_by|known|||'
p matches '{fact: target.id, matches: "[a-z0-9-]+"}' 'target.id|known|h|portal-1|'
p contains '{fact: certifications, contains: "secnumcloud:ovhcloud-hpc-snc"}' 'certifications|known|m||secnumcloud:ovhcloud-hpc-snc'
p dates '{fact: target.tags.expires, before: "@as_of"}' 'target.tags.expires|known||2026-01-01|'
p regions '{fact: served_from.regions, in: [azure:francecentral]}' 'served_from.regions|inconclusive||azure:francecentral|'

fresh dns_answer
python3 - "$corpus/dns_answer" <<'PY'
import struct, sys
out = sys.argv[1]
def name(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".") if p) + b"\0"
def rr(owner, rtype, rdata, ttl=300):
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata
def msg(rcode, q, qtype, answers=(), authority=(), flags=0x8180):
    head = struct.pack(">HHHHHH", 0x1234, flags | rcode, 1, len(answers), len(authority), 0)
    return head + name(q) + struct.pack(">HH", qtype, 1) + b"".join(answers) + b"".join(authority)
ptr_q = b"\xc0\x0c"  # compression pointer to the question name
seeds = {
    "a": msg(0, "www.example.fr", 1, [rr(ptr_q, 1, bytes([192, 0, 2, 10]))]),
    "cname-a": msg(0, "portal.example.fr", 1, [rr(ptr_q, 5, name("edge.example.net")),
                                              rr(name("edge.example.net"), 1, bytes([198, 51, 100, 7]))]),
    "aaaa": msg(0, "www.example.fr", 28, [rr(ptr_q, 28, bytes.fromhex("20010db8000000000000000000000001"))]),
    "mx": msg(0, "example.fr", 15, [rr(ptr_q, 15, struct.pack(">H", 10) + name("mx.example.fr"))]),
    "ns": msg(0, "example.fr", 2, [rr(ptr_q, 2, name("ns1.example.fr")), rr(ptr_q, 2, b"\x03ns2\xc0\x0c")]),
    "ptr": msg(0, "10.2.0.192.in-addr.arpa", 12, [rr(ptr_q, 12, name("host.example.fr"))]),
    "nodata-soa": msg(0, "www.example.fr", 28, [], [rr(name("example.fr"), 6, name("ns1.example.fr") +
                      name("hostmaster.example.fr") + struct.pack(">IIIII", 1, 3600, 600, 86400, 300))]),
    "nxdomain": msg(3, "gone.example.fr", 1),
    "servfail": msg(2, "broken.example.fr", 1),
    "truncated": msg(0, "big.example.fr", 1, flags=0x8380),
}
for k, v in seeds.items():
    open(f"{out}/{k}.bin", "wb").write(v)
PY
for d in "$corpus"/*/; do echo "make-seeds: $(basename "$d"): $(ls "$d" | wc -l) seeds" >&2; done
