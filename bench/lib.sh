# Shared helpers of the bench scripts (sourced; the caller sets $work, a scratch folder, and
# $build, a Release build folder with the bench targets): a free loopback port, the generated
# bench.test/cdnbench.test zones of N names, and one nsd serving them (stop_nsd, or the caller's
# trap, stops it).
nsd_pid=

free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Hlun "sport = :$port" | grep -q . && ! ss -Hltn "sport = :$port" | grep -q .; then
      echo "$port"; return 0
    fi
  done
  echo "no free port" >&2; return 1
}

# Zone bench.test with N names: n$i has A and AAAA; every 10th name is instead a CNAME into a
# provider-like zone (n$i.edge.cdnbench.test), which holds the addresses. MX and NS at the apex.
write_zones() {
  local n=$1
  awk -v n="$n" 'BEGIN {
    print "$ORIGIN bench.test.\n$TTL 300"
    print "@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300"
    print "@ IN NS ns1.bench.test.\n@ IN MX 10 mail.bench.test.\nns1 IN A 127.0.0.1\nmail IN A 10.255.0.25"
    for (i = 0; i < n; i++) {
      if (i % 10 == 0) { printf "n%d IN CNAME n%d.edge.cdnbench.test.\n", i, i; continue }
      printf "n%d IN A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
      printf "n%d IN AAAA 2001:db8::%x:%x\n", i, int(i / 65536), i % 65536
    }
  }' >"$work/bench.test.zone"
  awk -v n="$n" 'BEGIN {
    print "$ORIGIN cdnbench.test.\n$TTL 300"
    print "@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n@ IN NS ns1.bench.test."
    for (i = 0; i < n; i += 10) {
      printf "n%d.edge IN A 10.%d.%d.%d\n", i, 128 + int(i / 65536) % 128, int(i / 256) % 256, i % 256
      printf "n%d.edge IN AAAA 2001:db8:1::%x:%x\n", i, int(i / 65536), i % 65536
    }
  }' >"$work/cdnbench.test.zone"
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "n%d.bench.test\n", i }' >"$work/names.txt"
}

start_nsd() {
  local port=$1
  cat >"$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  ip-address: 127.0.0.2@53
  zonesdir: "$work"
  pidfile: "$work/nsd.pid"
  username: ""
  database: ""
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  rrl-ratelimit: 0
  server-count: 1
  verbosity: 0
  logfile: "$work/nsd.log"
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
zone:
  name: cdnbench.test
  zonefile: cdnbench.test.zone
CONF
  /usr/sbin/nsd -d -c "$work/nsd.conf" &
  nsd_pid=$!
  for _ in $(seq 100); do
    if "$build/bench/bench_dns_loop" 127.0.0.1 "$port" <(echo n1.bench.test) a >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "nsd did not start:" >&2; tail -5 "$work/nsd.log" >&2; return 1
}

stop_nsd() {
  kill "$nsd_pid"; wait "$nsd_pid" 2>/dev/null || true; nsd_pid=
}

