#!/usr/bin/env bash
# Wall time of one `residency geoip lookup 1.1.1.1` process with the real ip-location-db country
# database (Release build; goal < 20 ms), measured with hyperfine.
#
#   bench/geoip_lookup_process.sh [BUILD_DIR] [DB]
#   defaults: build/h2-release, geoip/data/geo-whois-asn-country.mmdb
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/h2-release}"
db="${2:-$root/geoip/data/geo-whois-asn-country.mmdb}"
bin="$build/apps/residency/residency"

if [[ ! -x "$bin" ]]; then
  echo "geoip_lookup_process.sh: $bin not found; build it first:" >&2
  echo "  cmake -S $root -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build $build -j2 --target residency" >&2
  exit 2
fi
if [[ ! -f "$db" ]]; then
  echo "geoip_lookup_process.sh: $db not found; run scripts/fetch-geoip.sh or pass the database path" >&2
  exit 2
fi
command -v hyperfine >/dev/null || { echo "geoip_lookup_process.sh: hyperfine is not installed" >&2; exit 2; }

"$bin" geoip lookup 1.1.1.1 --geoip "$db"  # show the answer once (and fail early if it fails)
hyperfine --warmup 5 --runs 50 -N "$bin geoip lookup 1.1.1.1 --geoip $db"
