#!/usr/bin/env bash
# Fetch and build the default GeoIP data into geoip/data/ (not committed):
#   country.mmdb    npm @ip-location-db/geo-whois-asn-country-mmdb (CC BY 4.0, NRO data)
#   asn.mmdb        built by `residency geoip build` from npm @ip-location-db/asn's CSV
#                   (CC BY 4.0: RouteViews, DB-IP)
#   providers.mmdb  built from the dated provider feeds in geoip/sources/ (works offline)
# Packages are pinned in geoip/data.lock; a tarball whose sha512 differs from the pin or from
# what npm reports is refused. Idempotent: nothing is fetched or built when the data matches.
# Usage: scripts/fetch-geoip.sh [RESIDENCY_BINARY] [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/apps/residency/residency
force=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    *) bin=$a ;;
  esac
done
out=geoip/data
cache=geoip/cache
mkdir -p "$out" "$cache"

# The stamp names everything the data is made from; equal stamp → nothing to do.
stamp_now=$( { cat geoip/data.lock; sha256sum geoip/sources/*.xz scripts/fetch-geoip.sh; } | sha256sum | cut -d' ' -f1)
if [[ $force -eq 0 && -f $out/.stamp && "$(cat "$out/.stamp")" == "$stamp_now" ]]; then
  echo "fetch-geoip: default data is up to date in $out/" >&2
  exit 0
fi
[[ -x $bin ]] || { echo "fetch-geoip: $bin not found; build first (scripts/setup.sh)" >&2; exit 2; }

# Check a tarball against the pinned npm integrity ("sha512-<base64>").
verify() {
  local file=$1 integrity=$2
  local want have
  want=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  have=$(sha512sum "$file" | cut -d' ' -f1)
  [[ "$want" == "$have" ]]
}

# Fetch one pinned package with npm pack (into the cache), verify, echo the tarball path.
fetch() {
  local name=$1 version=$2 integrity=$3
  local tgz="$cache/$(echo "${name#@}" | tr '/' '-')-$version.tgz"
  if [[ -f $tgz ]] && verify "$tgz" "$integrity"; then
    echo "$tgz"; return
  fi
  echo "fetch-geoip: npm pack $name@$version" >&2
  local reported
  reported=$(cd "$cache" && npm pack --silent --json "$name@$version" | grep -m1 '"integrity"' | sed 's/.*"integrity": *"\([^"]*\)".*/\1/')
  if [[ "$reported" != "$integrity" ]]; then
    echo "fetch-geoip: $name@$version: npm reports integrity $reported, pinned $integrity; refusing" >&2
    exit 2
  fi
  if ! verify "$tgz" "$integrity"; then
    echo "fetch-geoip: $tgz: sha512 does not match the pinned integrity; refusing" >&2
    rm -f "$tgz"; exit 2
  fi
  echo "$tgz"
}

country_tgz="" asn_tgz=""
while read -r name version integrity; do
  [[ -z $name || $name == \#* ]] && continue
  tgz=$(fetch "$name" "$version" "$integrity")
  case "$name" in
    */geo-whois-asn-country-mmdb) country_tgz=$tgz; country_ver=$version ;;
    */asn) asn_tgz=$tgz; asn_ver=$version ;;
  esac
done < geoip/data.lock

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$country_tgz" -C "$work" package/geo-whois-asn-country.mmdb package/NRO_LICENSE
mkdir -p "$work/asn"
tar -xzf "$asn_tgz" -C "$work/asn" package/asn-ipv4.csv package/asn-ipv6.csv \
    package/ROUTEVIEWS-LICENSE package/DBIP-LICENSE package/NRO_LICENSE package/MODIFICATIONS

install -m 0644 "$work/package/geo-whois-asn-country.mmdb" "$out/.country.mmdb.tmp"
mv "$out/.country.mmdb.tmp" "$out/country.mmdb"

# Build dates come from the data, not the clock (SOURCE_DATE_EPOCH), so every machine builds
# byte-identical databases and reports that name them agree.
v=${asn_ver##*.}   # 2.3.2026061719 → 2026061719 (YYYYMMDDHH)
asn_epoch=$(date -u -d "${v:0:4}-${v:4:2}-${v:6:2} ${v:8:2}:00:00" +%s)
src_date=$(ls geoip/sources/*.xz | sed -n 's/.*\.\([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)\..*/\1/p' | sort | tail -n1)
src_epoch=$(date -u -d "$src_date 00:00:00" +%s)

echo "fetch-geoip: building asn.mmdb from the ASN CSV" >&2
SOURCE_DATE_EPOCH=$asn_epoch "$bin" geoip build --from "asn-csv:$work/asn/package/asn-ipv4.csv" \
                   --from "asn-csv:$work/asn/package/asn-ipv6.csv" -o "$out/asn.mmdb"

echo "fetch-geoip: building providers.mmdb from geoip/sources/" >&2
for f in geoip/sources/*.xz; do xz -dc "$f" > "$work/$(basename "${f%.xz}")"; done
SOURCE_DATE_EPOCH=$src_epoch "$bin" geoip build \
  --from "aws:$(ls "$work"/aws-ip-ranges.*.json)" \
  --from "azure:$(ls "$work"/azure-servicetags.*.json)" \
  --from "gcp:$(ls "$work"/gcp-cloud.*.json)" \
  --from "csv:$(ls "$work"/other-providers.*.csv)" \
  -o "$out/providers.mmdb"

cat "$work/package/NRO_LICENSE" > "$out/LICENSE-NRO.txt"
cat "$work/asn/package/ROUTEVIEWS-LICENSE" > "$out/LICENSE-ROUTEVIEWS.txt"
cat "$work/asn/package/DBIP-LICENSE" > "$out/LICENSE-DBIP.txt"
cat > "$out/ATTRIBUTION.md" <<ATTR
# Attribution for the default GeoIP data

- country.mmdb: @ip-location-db/geo-whois-asn-country-mmdb $country_ver, from the
  ip-location-db project. Country data by the Number Resource Organization (nro.net),
  licensed CC BY 4.0 (LICENSE-NRO.txt).
- asn.mmdb: built by residency from @ip-location-db/asn $asn_ver. IP to ASN data by
  RouteViews (routeviews.org) and the IP to ASN Lite database by DB-IP
  (<a href='https://db-ip.com'>IP Geolocation by DB-IP</a>), with NRO data; all CC BY 4.0
  (LICENSE-ROUTEVIEWS.txt, LICENSE-DBIP.txt, LICENSE-NRO.txt). Modified: converted from
  start/end ranges to a MaxMind DB.
- providers.mmdb: built by residency from the providers' published IP-range feeds
  (geoip/sources/SOURCE.md).
ATTR
echo "$stamp_now" > "$out/.stamp"
echo "fetch-geoip: default data ready in $out/ (country.mmdb, asn.mmdb, providers.mmdb)" >&2
