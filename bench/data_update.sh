#!/bin/sh
# data_update.sh: wall time and peak memory (/usr/bin/time -v) of a full `residency data update`
# from local mirrors into an empty data folder: all 11 sources of geoip/sources.yaml (the nine
# provider feeds from the 2026 copies, the two pinned npm packages from a folder of `npm pack`
# tarballs), every check, and the rebuild of providers.mmdb, asn.mmdb and country.mmdb. Then the
# same command again (nothing changed: nothing written), and a byte comparison of the two
# folders' databases with a second full build (determinism).
#   usage: bench/data_update.sh [path/to/residency] [feed mirror] [npm mirror]
#   defaults: build/release/apps/residency/residency, ../shared/data/cloud-ip-ranges-2026,
#             geoip/data/inputs (where set-up left the tarballs; geoip/cache works too)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-"$here/build/release/apps/residency/residency"}
feeds=${2:-"$here/../shared/data/cloud-ip-ranges-2026"}
npm=${3:-"$here/geoip/data/inputs"}
[ -x "$bin" ] || { echo "data_update.sh: no executable at $bin; build a Release tree first" >&2; exit 2; }
[ -r "$feeds/ip-ranges.json" ] || { echo "data_update.sh: no provider feeds in $feeds" >&2; exit 2; }
ls "$npm"/ip-location-db-asn-*.tgz >/dev/null 2>&1 || { echo "data_update.sh: no npm tarballs in $npm (run scripts/setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "data_update.sh: /usr/bin/time is not installed (Debian package 'time')" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # run LABEL DIR: one timed update into DIR
  /usr/bin/time -v "$bin" -q data update --geoip "$2" --mirror "$feeds" --mirror "$npm" >"$out/$1.out" 2>"$out/$1.time" ||
    { cat "$out/$1.out" "$out/$1.time" >&2; exit 1; }
  wall=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/$1.time")
  rss_kb=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$out/$1.time")
  user=$(sed -n 's/^.*User time (seconds): //p' "$out/$1.time")
  sys=$(sed -n 's/^.*System time (seconds): //p' "$out/$1.time")
  echo "$1: wall $wall  user $user s  sys $sys s  peak RSS $((rss_kb / 1024)) MiB  ($(grep -c ': updated:' "$out/$1.out") updated, $(grep -c '^wrote ' "$out/$1.out") files written)"
}

run full "$out/a"
ls -l "$out/a"/*.mmdb | awk '{print "  " $5 " bytes  " $9}' | sed "s|$out/a/||"
run again "$out/a"
run second-full "$out/b"
for db in providers asn country; do
  cmp -s "$out/a/$db.mmdb" "$out/b/$db.mmdb" && echo "  $db.mmdb: byte-identical across the two builds" || echo "  $db.mmdb: DIFFERS"
done
