#!/usr/bin/env python3
"""Turn provider range feeds that have no importer of their own into residency's plain CSV
(`cidr,provider,region,country`), for geoip/sources/.

Inputs (the formats of femueller/cloud-ip-ranges, see geoip/sources/SOURCE.md):
  oracle  public_ip_ranges.json   regions[].region, regions[].cidrs[].cidr
  fastly  public-ip-list JSON     addresses[], ipv6_addresses[]
  cloudflare  ips-v4 / ips-v6     one CIDR per line
  digitalocean, linode  RFC 8805 geofeeds  prefix,country,region,city,postal ('#' comments)
Usage: snapshot-provider-feeds.py DATA_DIR > other-providers.csv
"""
import csv
import json
import sys
from pathlib import Path


def rows_oracle(path):
    for region in json.loads(path.read_text())["regions"]:
        for c in region["cidrs"]:
            yield c["cidr"], "oracle", region["region"], ""


def rows_fastly(path):
    data = json.loads(path.read_text())
    for cidr in data.get("addresses", []) + data.get("ipv6_addresses", []):
        yield cidr, "fastly", "", ""


def rows_lines(path, provider):
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line, provider, "", ""


def rows_geofeed(path, provider):
    for rec in csv.reader(l for l in path.read_text().splitlines() if l and not l.startswith("#")):
        if rec and rec[0].strip():
            country = rec[1].strip().upper() if len(rec) > 1 else ""
            yield rec[0].strip(), provider, "", country


def main():
    d = Path(sys.argv[1])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["cidr", "provider", "region", "country"])
    sources = [
        rows_oracle(d / "oracle-cloud-ip-ranges.json"),
        rows_fastly(d / "fastly-ip-ranges.json"),
        rows_lines(d / "cloudflare-v4-ip-ranges.txt", "cloudflare"),
        rows_lines(d / "cloudflare-v6-ip-ranges.txt", "cloudflare"),
        rows_geofeed(d / "digitalocean.csv", "digitalocean"),
        rows_geofeed(d / "linode.txt", "linode"),
    ]
    for rows in sources:
        for row in rows:
            out.writerow(row)


if __name__ == "__main__":
    main()
