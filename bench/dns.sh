#!/usr/bin/env bash
# DNS benchmark: names/s of lib/probe (bench_probe_dns) against a plain c-ares loop
# (bench_dns_loop) and adnshost, all asking a local nsd for the same names.
# Usage: [REPEAT=3] bench/dns.sh [BUILD_DIR] [SIZES...]   (default: build/h5-release, 10000 100000)
# Each figure is the best of REPEAT runs.
# Needs: nsd, adns-tools (adnshost); builds nothing (run `cmake --build BUILD --target benchmarks`).
# nsd listens on 127.0.0.1:PORT (a free port) for the c-ares clients and on 127.0.0.2:53 for
# adnshost, which cannot take a port. Everything stays on loopback.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
build=${1:-$root/build/h5-release}
shift || true
sizes=("${@:-10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
work=$(mktemp -d /tmp/residency-dns-bench.XXXXXX)
nsd_pid=

cleanup() {
  if [[ -n $nsd_pid ]]; then kill "$nsd_pid" 2>/dev/null || true; wait "$nsd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# adnshost in pipe mode over the same mix: A, AAAA, CNAME, NS, MX (raw types, no extra lookups).
run_adnshost() {
  local names=$1
  # Pipe mode reads one argument per line; a -t option applies to the names after it.
  awk '{ print "-ta\n" $0 "\n-taaaa\n" $0 "\n-tcname\n" $0 "\n-tns-\n" $0 "\n-tmx-\n" $0 }' "$names" >"$work/adns.in"
  local start end
  start=$(date +%s.%N)
  adnshost --config 'nameserver 127.0.0.2' -a -f -Fa <"$work/adns.in" >"$work/adns.out" 2>/dev/null || true
  end=$(date +%s.%N)
  local n answered
  n=$(wc -l <"$names")
  # -Fa: one "ID NRRS STATUS …" line per query; ok and permfail (nxdomain, nodata) are answers.
  answered=$(grep -Ec '^[0-9]+ [0-9]+ (ok|permfail) ' "$work/adns.out" || true)
  awk -v n="$n" -v s="$start" -v e="$end" -v a="$answered" \
    'BEGIN { printf "adnshost mix=a,aaaa,cname,ns,mx names=%d answered_queries=%d seconds=%.3f names/s=%.0f\n", n, a, e - s, n / (e - s) }'
}

rate() { sed -n 's/.*names\/s=\([0-9]*\).*/\1/p'; }

# Run a command REPEAT times (default 3) and print its fastest line: the machine is shared, so
# the best run is the least disturbed one.
best_of() {
  local best="" line
  for _ in $(seq "${REPEAT:-3}"); do
    line=$("$@")
    if [[ -z $best ]] || (($(rate <<<"$line") > $(rate <<<"$best"))); then best=$line; fi
  done
  echo "$best"
}

for n in "${sizes[@]}"; do
  write_zones "$n"
  port=$(free_port)
  start_nsd "$port"
  echo "== $n names (nsd on 127.0.0.1:$port and 127.0.0.2:53) =="
  loop_a=$(best_of "$build/bench/bench_dns_loop" 127.0.0.1 "$port" "$work/names.txt" a 256); echo "$loop_a"
  loop_mix=$(best_of "$build/bench/bench_dns_loop" 127.0.0.1 "$port" "$work/names.txt" mix 256); echo "$loop_mix"
  loop_mix4=$(best_of "$build/bench/bench_dns_loop" 127.0.0.1 "$port" "$work/names.txt" mix4 256); echo "$loop_mix4"
  ours=$(best_of "$build/bench/bench_probe_dns" "127.0.0.1:$port" "$work/names.txt" mix 256); echo "$ours"
  ours_ptr=$(best_of "$build/bench/bench_probe_dns" "127.0.0.1:$port" "$work/names.txt" mix+ptr 256); echo "$ours_ptr"
  if command -v adnshost >/dev/null; then adns=$(best_of run_adnshost "$work/names.txt"); echo "$adns"; else adns="names/s=0"; fi
  awk -v o="$(rate <<<"$ours")" -v l="$(rate <<<"$loop_mix")" -v l4="$(rate <<<"$loop_mix4")" \
    -v a="$(rate <<<"$adns")" -v n="$n" 'BEGIN {
      printf "summary n=%d probe/loop(mix)=%.0f%% probe/loop(mix4)=%.0f%% (goal >= 80%%) probe/adnshost=%.1fx (goal >= 5x)\n",
        n, 100 * o / l, 100 * o / l4, (a > 0 ? o / a : 0) }'
  stop_nsd
done
