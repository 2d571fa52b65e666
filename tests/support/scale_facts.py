#!/usr/bin/env python3
"""Write a recording (residency/facts/v1) of N host targets and the list that names them, for
replay tests at scale: each name n<i>.scale.test takes the DNS answer of one of the flagship's
recorded names in turn (Azure, OVHcloud, CloudFront, Microsoft 365 addresses, CNAME chains), and
every fifth is a name with special-use addresses (private and documentation ranges).

Usage: scale_facts.py N FLAGSHIP_FACTS OUT_FACTS OUT_NAMES
"""
import copy
import json
import sys


def main():
    n, flagship, out_facts, out_names = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    with open(flagship, encoding="utf-8") as f:
        rec = json.load(f)
    answers = [e for e in rec["dns"] if e["status"] == "ok" and e["addresses"]]
    if not answers:
        sys.exit(f"{flagship}: no recorded name with addresses")
    special = copy.deepcopy(answers[0])
    special.update(cname_chain=[], addresses=[{"ip": "10.0.0.1", "ptr": [], "ttl": 300},
                                              {"ip": "2001:db8::1", "ptr": [], "ttl": 300}])
    dns = []
    for i in range(n):
        e = copy.copy(special if i % 5 == 4 else answers[i % len(answers)])
        name = f"n{i}.scale.test"
        e.update(name=name, ascii_name=name, unicode_name=name)
        dns.append(e)
    dns.sort(key=lambda e: e["name"])
    rec.update(dns=dns, https=[])
    with open(out_facts, "w", encoding="utf-8") as f:
        json.dump(rec, f, separators=(",", ":"))
    with open(out_names, "w", encoding="utf-8") as f:
        f.writelines(f"n{i}.scale.test\n" for i in range(n))


if __name__ == "__main__":
    main()
