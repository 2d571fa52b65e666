#!/usr/bin/env bash
# Imitate the patient portal's CDN edge for recording the example: nginx on 127.0.0.2 at a free
# port with a certificate for portail.donnees-sante.example from a test CA whose issuer is
# O=Amazon, C=US (made with openssl here, never committed), answering with CloudFront's response
# headers (x-amz-cf-pop, x-amz-cf-id). record.sh points the portal's CloudFront addresses at it
# with --connect-to. Nothing listens beyond loopback.
# Usage: cdn.sh start WORKDIR   → prints the port (the CA is WORKDIR/cdn/ca.crt);   cdn.sh stop WORKDIR
set -euo pipefail
cmd=$1 work=$2
dir=$work/cdn
if [[ $cmd == stop ]]; then
  if [[ -s $dir/nginx.pid ]]; then
    pid=$(cat "$dir/nginx.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  exit 0
fi
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 30 \
  -subj "/C=US/O=Amazon/CN=Test imitation of Amazon RSA 2048 M01" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$dir/edge.key" -out "$dir/edge.csr" -subj "/CN=portail.donnees-sante.example" 2>/dev/null
printf 'basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:portail.donnees-sante.example, DNS:d1hdh7example.cloudfront.net\n' > "$dir/edge.ext"
openssl x509 -req -in "$dir/edge.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 30 -sha256 \
  -extfile "$dir/edge.ext" -out "$dir/edge.crt" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.2",0)); print(s.getsockname()[1])')
user=""; [[ $(id -u) -eq 0 ]] && user="user root;"
cat > "$dir/nginx.conf" <<CONF
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$user
events { worker_connections 64; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp-body; proxy_temp_path $dir/tmp-proxy; fastcgi_temp_path $dir/tmp-fastcgi;
  uwsgi_temp_path $dir/tmp-uwsgi; scgi_temp_path $dir/tmp-scgi;
  server_tokens off;
  server {
    listen 127.0.0.2:$port ssl http2;
    server_name portail.donnees-sante.example;
    ssl_certificate $dir/edge.crt;
    ssl_certificate_key $dir/edge.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    add_header x-cache "Miss from cloudfront";
    add_header x-amz-cf-pop CDG50-P1;
    add_header x-amz-cf-id "Imitation-of-a-CloudFront-request-id==";
    return 200 "patient portal (imitation)\n";
  }
}
CONF
/usr/sbin/nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" >/dev/null 2>&1
for _ in $(seq 100); do [[ -s $dir/nginx.pid ]] && break; sleep 0.05; done
echo "$port"
