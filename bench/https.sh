#!/usr/bin/env bash
# HTTPS benchmark: wall time of `residency probe` on N https URLs of distinct host names (each a
# new TCP connection and TLS handshake, RSA-2048, verified) against `curl --parallel
# --parallel-max 100` on the same URLs with --resolve per name, side by side in one hyperfine run.
# Usage: [RUNS=5] [CONCURRENCY=100] bench/https.sh [RESIDENCY_BINARY] [N]
#   (default: build/release/apps/residency/residency, 1000)
# Starts nginx (2 workers, TLS 1.2/1.3, a wildcard RSA-2048 certificate from a CA made here with
# openssl) on 127.0.0.1 and nsd on 127.0.0.1 for residency's DNS (every name → 127.0.0.1, hence
# --allow-private). residency also resolves the names, looks the address up in the GeoIP data
# and attributes it: the whole command is timed, as a user runs it. Everything stays on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/build/release/apps/residency/residency}")
n=${2:-1000}
runs=${RUNS:-5}
conc=${CONCURRENCY:-100}
work=$(mktemp -d /tmp/residency-https-bench.XXXXXX)
nsd_pid=
cleanup() {
  [[ -s $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  if [[ -n $nsd_pid ]]; then kill "$nsd_pid" 2>/dev/null || true; wait "$nsd_pid" 2>/dev/null || true; fi
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The CA and one wildcard certificate (RSA-2048).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.crt" -days 2 \
  -subj "/C=FR/O=Residency Bench/CN=Residency Bench CA" -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$work/edge.key" -out "$work/edge.csr" -subj "/CN=*.bench.test" 2>/dev/null
printf 'subjectAltName = DNS:*.bench.test\nextendedKeyUsage = serverAuth\n' > "$work/edge.ext"
openssl x509 -req -in "$work/edge.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 -sha256 \
  -extfile "$work/edge.ext" -out "$work/edge.crt" 2>/dev/null

port=$(free_port)
user=""; [[ $(id -u) -eq 0 ]] && user="user root;"
cat > "$work/nginx.conf" <<CONF
daemon on;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log warn;
$user
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3; uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;
  server {
    listen 127.0.0.1:$port ssl http2 backlog=4096;
    server_name *.bench.test;
    ssl_certificate $work/edge.crt;
    ssl_certificate_key $work/edge.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    return 200 "ok\n";
  }
}
CONF
/usr/sbin/nginx -p "$work/" -e "$work/error.log" -c "$work/nginx.conf"

# nsd: h1..hN.bench.test → 127.0.0.1
dns_port=$(free_port)
{
  echo "\$ORIGIN bench.test."; echo "\$TTL 300"
  echo "@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300"
  echo "@ IN NS ns1.bench.test."; echo "ns1 IN A 127.0.0.1"
  for i in $(seq "$n"); do echo "h$i IN A 127.0.0.1"; done
} > "$work/bench.test.zone"
cat > "$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$dns_port
  port: $dns_port
  username: ""
  database: ""
  zonesdir: "$work"
  pidfile: "$work/nsd.pid"
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  logfile: "$work/nsd.log"
  server-count: 1
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: "bench.test"
  zonefile: "bench.test.zone"
CONF
/usr/sbin/nsd -d -c "$work/nsd.conf" & nsd_pid=$!
sleep 1

# The same URLs for both; curl gets them (and --resolve per name) from a config file.
: > "$work/urls"; : > "$work/curl.cfg"
for i in $(seq "$n"); do
  url="https://h$i.bench.test:$port/"
  echo "$url" >> "$work/urls"
  printf 'url = "%s"\noutput = "/dev/null"\nresolve = "h%s.bench.test:%s:127.0.0.1"\n' "$url" "$i" "$port" >> "$work/curl.cfg"
done
cat > "$work/curl.sh" <<SH
#!/bin/sh
exec curl -sS --no-progress-meter --head --parallel --parallel-max $conc --cacert $work/ca.crt -K $work/curl.cfg
SH
cat > "$work/residency.sh" <<SH
#!/bin/sh
exec $bin -q probe --allow-private --resolver 127.0.0.1:$dns_port --ca-file $work/ca.crt \
  --https-concurrency $conc --format json \$(cat $work/urls) > $work/probe.json
SH
chmod +x "$work/curl.sh" "$work/residency.sh"

# Check once that every probe succeeded before timing anything.
"$work/residency.sh"
ok=$(python3 -c "
import json,sys
d=json.load(open('$work/probe.json'))
print(sum(1 for t in d['targets'] if t['facts'].get('tls.verification',{}).get('values')==['verified']))")
echo "residency: $ok of $n URLs probed and verified" >&2
[[ $ok -eq $n ]] || { echo "https bench: not every probe succeeded" >&2; exit 1; }
"$work/curl.sh" > /dev/null

hyperfine --warmup 1 --runs "$runs" -N --export-markdown "$work/result.md" \
  -n "curl --parallel --parallel-max $conc ($n URLs)" "$work/curl.sh" \
  -n "residency probe --https-concurrency $conc ($n URLs)" "$work/residency.sh" >&2
cat "$work/result.md"
