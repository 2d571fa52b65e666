#!/usr/bin/env bash
# Make sure the third-party reference files the tests read are there, with the right sha256
# (geoip/sources.yaml, `reference_files`). With ../shared beside the checkout (CI has it, or
# $RESIDENCY_SHARED_DIR), each file is only checked. Without it, the missing files are fetched
# from their commit-pinned upstream URLs into build/shared/ where the network allows; a file
# that cannot be fetched, or whose checksum differs, is reported, and the tests that need it
# then fail naming its path. Never commits or copies anything into the repository.
# Usage: scripts/fetch-reference-files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "${RESIDENCY_SHARED_DIR:-}" <<'PY'
import gzip, hashlib, os, sys, urllib.request
import yaml

explicit = sys.argv[1]
shared = explicit or os.path.join(os.path.dirname(os.getcwd()), "shared")
fetch_into = None
if not os.path.isdir(shared):
    fetch_into = shared = os.path.join("build", "shared")
refs = yaml.safe_load(open("geoip/sources.yaml"))["reference_files"]
missing = bad = fetched = 0
for ref in refs:
    path = os.path.join(shared, ref["path"])
    if not os.path.exists(path) and fetch_into is not None:
        try:
            with urllib.request.urlopen(ref["url"], timeout=20) as r:
                data = r.read()
            if ref.get("gunzip"):
                data = gzip.decompress(data)
            if hashlib.sha256(data).hexdigest() != ref["sha256"]:
                print(f"fetch-reference-files: {ref['url']}: sha256 differs from the pin; not kept", file=sys.stderr)
                bad += 1
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path + ".tmp", "wb") as out:
                out.write(data)
            os.replace(path + ".tmp", path)
            fetched += 1
        except Exception as e:  # the network may not allow it: the tests then name the file
            print(f"fetch-reference-files: cannot fetch {ref['url']}: {e}", file=sys.stderr)
    if not os.path.exists(path):
        missing += 1
        print(f"fetch-reference-files: missing {path}", file=sys.stderr)
        continue
    if hashlib.sha256(open(path, "rb").read()).hexdigest() != ref["sha256"]:
        bad += 1
        print(f"fetch-reference-files: {path}: sha256 differs from geoip/sources.yaml", file=sys.stderr)
print(f"fetch-reference-files: {len(refs) - missing - bad} of {len(refs)} reference files ready in {shared}"
      + (f" ({fetched} fetched)" if fetched else ""), file=sys.stderr)
PY
