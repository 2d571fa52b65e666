#!/bin/sh
# asn_build.sh: build asn.mmdb from the ip-location-db ASN CSVs (IPv4 and IPv6, ~515k ranges)
# with `residency geoip build` and report wall time and peak RSS (/usr/bin/time -v).
# Budget (the goal of the issue): < 10 s and < 1 GiB on one machine.
#   usage: bench/asn_build.sh [path/to/residency] [folder with asn-ipv4.csv and asn-ipv6.csv]
#   defaults: build/release/apps/residency/residency, /tmp/npmx/asn/package
#   (fetch the CSVs with: cd /tmp/npmx/asn && npm pack @ip-location-db/asn && tar xzf *.tgz)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-"$here/build/release/apps/residency/residency"}
csv=${2:-/tmp/npmx/asn/package}
[ -x "$bin" ] || { echo "asn_build.sh: no executable at $bin; build a Release tree first" >&2; exit 2; }
[ -r "$csv/asn-ipv4.csv" ] && [ -r "$csv/asn-ipv6.csv" ] || { echo "asn_build.sh: no asn-ipv4.csv/asn-ipv6.csv in $csv" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "asn_build.sh: /usr/bin/time is not installed (Debian package 'time')" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "inputs: $(cat "$csv/asn-ipv4.csv" "$csv/asn-ipv6.csv" | wc -l) ranges in $csv"
/usr/bin/time -v "$bin" geoip build --from "asn-csv:$csv/asn-ipv4.csv" --from "asn-csv:$csv/asn-ipv6.csv" \
  -o "$out/asn.mmdb" 2>"$out/time.txt" || { cat "$out/time.txt" >&2; exit 1; }
grep 'geoip build:' "$out/time.txt"
wall=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt")
rss_kb=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$out/time.txt")
cpu=$(sed -n 's/^.*User time (seconds): //p' "$out/time.txt")
sys=$(sed -n 's/^.*System time (seconds): //p' "$out/time.txt")
echo "wall ${wall}  user ${cpu} s  sys ${sys} s  peak RSS $((rss_kb / 1024)) MiB  file $(stat -c %s "$out/asn.mmdb") bytes"
echo "budget: < 10 s wall, < 1024 MiB"
# A sanity lookup, when mmdblookup is installed.
if command -v mmdblookup >/dev/null; then
  mmdblookup --file "$out/asn.mmdb" --ip 1.1.1.1 autonomous_system_number | tr -d ' \n'; echo " (1.1.1.1)"
fi
