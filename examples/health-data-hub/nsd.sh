#!/usr/bin/env bash
# Serve the scenario's zones (zone/) with nsd on 127.0.0.1 at a free port, for recording the
# example and for tests. Nothing listens beyond loopback.
# Usage: nsd.sh start WORKDIR [ZONEDIR]   → prints the port;   nsd.sh stop WORKDIR
#   ZONEDIR (default: zone/ beside this script) holds NAME.zone files, one zone each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=$1 work=$2
zones=$(cd "${3:-$here/zone}" && pwd)
if [[ $cmd == stop ]]; then
  # Stop nsd and wait until it has exited, so its files can be removed right after.
  if [[ -s $work/nsd.pid ]]; then
    pid=$(cat "$work/nsd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  exit 0
fi
mkdir -p "$work"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{
  echo "server:"
  echo "  ip-address: 127.0.0.1@$port"
  echo "  port: $port"
  echo "  username: \"\""
  echo "  database: \"\""
  echo "  zonesdir: \"$zones\""
  echo "  pidfile: \"$work/nsd.pid\""
  echo "  xfrdfile: \"$work/xfrd.state\""
  echo "  zonelistfile: \"$work/zone.list\""
  echo "  logfile: \"$work/nsd.log\""
  echo "  server-count: 1"
  echo "  rrl-ratelimit: 0"
  echo "  verbosity: 0"
  echo "remote-control:"
  echo "  control-enable: no"
  for z in "$zones"/*.zone; do
    name=$(basename "$z" .zone)
    printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone"\n' "$name" "$name"
  done
} > "$work/nsd.conf"
/usr/sbin/nsd -c "$work/nsd.conf"
# Wait until nsd answers (its pid file appears once it serves).
for _ in $(seq 100); do [[ -s $work/nsd.pid ]] && break; sleep 0.05; done
sleep 0.2
echo "$port"
